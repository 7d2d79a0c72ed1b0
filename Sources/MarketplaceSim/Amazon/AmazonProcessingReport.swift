import Foundation

/// The processing report the simulator writes, shaped by
/// `listings-feed-processing-report-schema-v2.json`: header, issues by
/// `messageId`, and the summary counts.
public struct AmazonProcessingReport: Sendable, Codable, Equatable {
    public struct Header: Sendable, Codable, Equatable {
        public var sellerId: String
        public var version = "2.0"
        public var feedId: String
    }

    public struct Issue: Sendable, Codable, Equatable {
        public var messageId: Int?
        public var sku: String?
        public var code: String
        public var severity: String
        public var message: String
        public var attributeName: String?
    }

    public struct Summary: Sendable, Codable, Equatable {
        public var errors = 0
        public var warnings = 0
        public var messagesProcessed = 0
        public var messagesAccepted = 0
        public var messagesInvalid = 0
    }

    public var header: Header
    public var issues: [Issue] = []
    public var summary = Summary()

    /// Counts errors and warnings from the issues.
    mutating func tally() {
        summary.errors = issues.filter { $0.severity == "ERROR" }.count
        summary.warnings = issues.filter { $0.severity == "WARNING" }.count
    }
}
