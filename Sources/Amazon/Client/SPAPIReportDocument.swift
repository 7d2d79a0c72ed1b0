import Foundation

/// `getReportDocument`'s answer: a pre-signed URL (5 minutes; never printed)
/// and whether the bytes are gzipped.
public struct SPAPIReportDocument: Decodable, Sendable, Equatable, CustomStringConvertible {
    /// The document id.
    public let reportDocumentId: String
    /// The pre-signed download URL (never print it: its query is a signature).
    public let url: URL
    /// `GZIP` or nil.
    public let compressionAlgorithm: String?

    /// The id and compression, never the URL.
    public var description: String {
        "report document \(reportDocumentId)\(compressionAlgorithm.map { " (\($0))" } ?? "")"
    }
}
