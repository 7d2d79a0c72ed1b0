import Foundation

/// One feed for `jobctl amazon feed`: the `amazon_feed` row and its issues.
public struct AmazonFeedReport: Sendable, Codable {
    /// An issue of the kept processing report, with the message's SKU and sync row.
    public struct Issue: Sendable, Codable {
        /// The report's messageId (nil for a feed-level issue).
        public var messageId: Int?
        /// The SKU of that message.
        public var sku: String?
        /// The sync type of the row the message came from.
        public var syncType: String?
        /// That row's status now (`superseded` when a newer change took it out of this feed).
        public var status: String?
        /// `ERROR`, `WARNING` or `INFO`.
        public var severity: String
        /// Amazon's issue code.
        public var code: String?
        /// The attribute the issue is about.
        public var attributeName: String?
        /// Amazon's text.
        public var message: String
    }

    /// A sync row of this feed that ended Failure, with its message.
    public struct FailedRow: Sendable, Codable {
        /// The first message id of the row in this feed.
        public var messageId: Int
        /// The SKU of that message.
        public var sku: String
        /// The row's sync type.
        public var syncType: String
        /// `Failure`.
        public var status: String
        /// The message settled on the row.
        public var message: String?
    }

    /// The feed, as `jobctl amazon status` lists it.
    public var feed: AmazonStatusReport.Feed
    /// The account it was sent for.
    public var accountId: Int64
    /// The document Amazon read the feed from.
    public var feedDocumentId: String?
    /// The processing report's document.
    public var resultDocumentId: String?
    /// getFeed calls made while it was queued or in progress.
    public var polls: Int
    /// This feed's rows by status (rows a newer change took out of the feed are not counted).
    public var rowCounts: [String: Int]
    /// The report's issues, in message order.
    public var issues: [Issue]
    /// Failure rows of the feed (up to the limit), e.g. every row of a FATAL feed.
    public var failedRows: [FailedRow]
    /// Why the kept report cannot be read, when it cannot (its bytes stay in `amazon_feed.report`).
    public var reportError: String?
    /// Whether a raw report is kept.
    public var reportKept: Bool
}
