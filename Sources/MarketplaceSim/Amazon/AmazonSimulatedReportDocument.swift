import Foundation

/// A report's bytes behind a pre-signed URL, stored as served (gzipped or not).
struct AmazonSimulatedReportDocument: Sendable {
    let id: String
    let signature: String
    let bytes: Data
    /// Whether getReportDocument says `compressionAlgorithm: GZIP`.
    let gzip: Bool
}
