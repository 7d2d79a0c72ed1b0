import Foundation

/// An XML well-formedness check by an independent parser: Debian's python3
/// (`xml.dom.minidom`, expat), so a test does not trust the library that built the document.
public enum XMLCheck {
    /// Whether python3's parser accepts `bytes` as one well-formed XML document.
    public static func wellFormed(_ bytes: Data) throws -> Bool {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("xmlcheck-\(UUID().uuidString).xml")
        try bytes.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
