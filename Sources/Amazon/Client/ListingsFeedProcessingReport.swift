import Foundation

/// A JSON_LISTINGS_FEED processing report (`listings-feed-processing-report-schema-v2.json`),
/// the parts the sync reads: the header, the per-message issues and the summary.
/// Decoding checks shape only; validating against the schema is the caller's step.
public struct ListingsFeedProcessingReport: Sendable, Equatable, Decodable {
    /// The report header: whose feed it is.
    public struct Header: Sendable, Equatable, Decodable {
        /// The seller the feed belongs to.
        public let sellerId: String
        /// Always "2.0".
        public let version: String
        /// The feed this report is about.
        public let feedId: String
    }

    /// One issue; `messageId` is absent for feed-level problems (a FATAL reason).
    public struct Issue: Sendable, Equatable, Decodable {
        /// The message it concerns; nil for feed-level issues.
        public let messageId: Int?
        /// The SKU of that message, when given.
        public let sku: String?
        /// Amazon's issue code, e.g. `90220`.
        public let code: String?
        /// `ERROR`, `WARNING` or `INFO`.
        public let severity: String
        /// The localized text, for the sync row.
        public let message: String
        /// The attribute concerned, when given.
        public let attributeName: String?
    }

    /// Counts over the whole feed.
    public struct Summary: Sendable, Equatable, Decodable {
        /// ERROR issues.
        public let errors: Int
        /// WARNING issues.
        public let warnings: Int
        /// Messages read.
        public let messagesProcessed: Int
        /// Messages applied.
        public let messagesAccepted: Int
        /// Messages refused.
        public let messagesInvalid: Int
    }

    /// Whose feed.
    public let header: Header
    /// Every issue, message-level and feed-level.
    public let issues: [Issue]
    /// The counts.
    public let summary: Summary

    /// Issues by message id (feed-level issues under no key).
    public var issuesByMessageID: [Int: [Issue]] {
        Dictionary(grouping: issues.filter { $0.messageId != nil }, by: { $0.messageId! })
    }
}
