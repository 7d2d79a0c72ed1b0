import Foundation

/// A JSON_LISTINGS_FEED processing report (`listings-feed-processing-report-schema-v2.json`),
/// the parts the sync reads: the header, the per-message issues and the summary.
/// Decoding checks shape only; validating against the schema is the caller's step.
public struct ListingsFeedProcessingReport: Sendable, Equatable, Decodable {
    public struct Header: Sendable, Equatable, Decodable {
        public let sellerId: String
        public let version: String
        public let feedId: String
    }

    /// One issue; `messageId` is absent for feed-level problems (a FATAL reason).
    public struct Issue: Sendable, Equatable, Decodable {
        public let messageId: Int?
        public let sku: String?
        public let code: String?
        /// `ERROR`, `WARNING` or `INFO`.
        public let severity: String
        public let message: String
        public let attributeName: String?
    }

    public struct Summary: Sendable, Equatable, Decodable {
        public let errors: Int
        public let warnings: Int
        public let messagesProcessed: Int
        public let messagesAccepted: Int
        public let messagesInvalid: Int
    }

    public let header: Header
    public let issues: [Issue]
    public let summary: Summary

    /// Issues by message id (feed-level issues under no key).
    public var issuesByMessageID: [Int: [Issue]] {
        Dictionary(grouping: issues.filter { $0.messageId != nil }, by: { $0.messageId! })
    }
}
