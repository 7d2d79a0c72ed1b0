import Foundation

/// The checkout's top folder (this file sits at Tests/TestSupport/), for tests
/// that read or run the repository's own files: migrations, scripts, binaries.
public let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
