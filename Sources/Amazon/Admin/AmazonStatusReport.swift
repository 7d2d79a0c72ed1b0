import Foundation

/// The product tab of `jobctl amazon status`: where the catalog stands with Amazon.
/// Sync rows carry no account (one Amazon account per catalog, README
/// "Limits"), so the counts and failures are the catalog's; feeds are the account's.
public struct AmazonStatusReport: Sendable, Codable {
    /// Sync rows of one type and status.
    public struct Count: Sendable, Codable, Equatable {
        /// `create`, `price`, … (`amazon_product_sync.sync_type`).
        public var syncType: String
        /// `New`, `Success` or `Failure`.
        public var status: String
        /// How many rows.
        public var count: Int
    }

    /// One submission, newest first.
    public struct Feed: Sendable, Codable {
        /// `amazon_feed.id`.
        public var id: Int64
        /// Amazon's feedId (nil while PREPARING, or for an ABANDONED feed).
        public var amazonFeedId: String?
        /// `PREPARING`, `IN_QUEUE`, `IN_PROGRESS`, `DONE`, `FATAL`, `CANCELLED` or `ABANDONED`.
        public var processingStatus: String
        /// Messages in the document.
        public var messageCount: Int
        /// The processing report's summary, once DONE.
        public var summary: ProcessingReport.Summary?
        /// Why the feed failed (FATAL, abandoned, unreadable report).
        public var error: String?
        /// When the row was written, submitted and settled.
        public var createdAt: Date
        /// When createFeed accepted it.
        public var submittedAt: Date?
        /// When its outcome was applied.
        public var finishedAt: Date?
    }

    /// A Failure sync row and its message.
    public struct Failure: Sendable, Codable {
        /// `amazon_product_sync.id`.
        public var id: Int64
        /// The listing's SKU (the record's, or the one its feed message carried), when known.
        public var sku: String?
        /// `product_product` or `product_template`.
        public var modelName: String
        /// The product or template id.
        public var recordId: Int64
        /// The row's sync type.
        public var syncType: String
        /// Amazon's issues (or the feed's reason), as settled on the row.
        public var message: String?
        /// When the row was settled.
        public var at: Date?
        /// The Amazon feedId that carried it.
        public var amazonFeedId: String?
        /// A failed delete is tried once only (rule 8): someone must look at it.
        public var needsPerson: Bool
    }

    /// The account the report is for (id and name; never settings or credentials).
    public var accountId: Int64
    /// The account's name.
    public var accountName: String
    /// Whether the account's schedule runs the sync (`settings.automatic`).
    public var automatic: Bool
    /// Operations not yet transformed (`sync_timestamp IS NULL`).
    public var pendingOperations: Int
    /// Sync rows by type and status.
    public var counts: [Count]
    /// New rows not yet in a feed (waiting for the next sync, or for their create: rule 7).
    public var unsent: Int
    /// The latest feeds, newest first.
    public var feeds: [Feed]
    /// Failure rows in all.
    public var failureCount: Int
    /// The newest Failure rows (up to the limit).
    public var failures: [Failure]
    /// Every failed delete (up to the limit): these are not retried.
    public var needsPerson: [Failure]
}
