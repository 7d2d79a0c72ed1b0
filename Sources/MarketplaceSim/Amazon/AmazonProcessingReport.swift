import Foundation

/// The processing report the simulator writes, shaped by
/// `listings-feed-processing-report-schema-v2.json`: header, issues by
/// `messageId`, and the summary counts.
public struct AmazonProcessingReport: Sendable, Codable, Equatable {
    /// Whose feed.
    public struct Header: Sendable, Codable, Equatable {
        /// Per the report schema.
        public var sellerId: String
        /// Per the report schema.
        public var version = "2.0"
        /// Per the report schema.
        public var feedId: String
    }

    /// One issue; `messageId` nil for feed-level problems.
    public struct Issue: Sendable, Codable, Equatable {
        /// Per the report schema.
        public var messageId: Int?
        /// Per the report schema.
        public var sku: String?
        /// Per the report schema.
        public var code: String
        /// Per the report schema.
        public var severity: String
        /// Per the report schema.
        public var message: String
        /// Per the report schema.
        public var attributeName: String?
    }

    /// Counts over the feed.
    public struct Summary: Sendable, Codable, Equatable {
        /// Per the report schema.
        public var errors = 0
        /// Per the report schema.
        public var warnings = 0
        /// Per the report schema.
        public var messagesProcessed = 0
        /// Per the report schema.
        public var messagesAccepted = 0
        /// Per the report schema.
        public var messagesInvalid = 0
    }

    /// Per the report schema.
    public var header: Header
    /// Per the report schema.
    public var issues: [Issue] = []
    /// Per the report schema.
    public var summary = Summary()

    /// Counts errors and warnings from the issues.
    mutating func tally() {
        summary.errors = issues.filter { $0.severity == "ERROR" }.count
        summary.warnings = issues.filter { $0.severity == "WARNING" }.count
    }
}
