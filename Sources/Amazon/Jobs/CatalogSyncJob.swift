import Foundation
import JobQueue

/// `amazon.catalog_sync`: the catalog half of issue 9 for one account.
/// 1. transforms pending operations into sync rows (rule 9: one transaction
///    with marking them processed), merging Failure rows (rule 8);
/// 2. queues again the rows of feeds whose run died before createFeed answered;
/// 3. builds JSON_LISTINGS_FEED documents from the New rows (offer rows wait
///    for their create, rule 7), records each before submitting it, submits
///    through the Feeds flow, and enqueues `amazon.feed_status` per feed.
/// With nothing new it submits no feed. A throttled submission comes back
/// later without spending an attempt, its rows queued again.
public struct CatalogSyncJob: JobHandler {
    public static let jobType = "amazon.catalog_sync"
    public static var timeout: Duration { .seconds(900) }
    public static var requiresAccount: Bool { true }
    /// One sync per account at a time (0009): two runs would submit overlapping
    /// feeds of the same rows. `amazon.feed_status` has no limit: it follows one
    /// feed each, and an account has many feeds in flight.
    public static var concurrencyLimit: ConcurrencyLimit? { .perAccount(1) }

    public struct Payload: Decodable, Sendable {
        /// Most documents submitted by one run (default 5, the submission window).
        public var maxFeeds: Int?
        /// Messages per document (default and maximum 25,000).
        public var maxMessages: Int?
        /// Seconds before the first status poll (default 30).
        public var firstPollSeconds: Double?
        /// Base of the poll backoff (default 30 s, doubling).
        public var pollSeconds: Double?
        enum CodingKeys: String, CodingKey {
            case maxFeeds = "max_feeds", maxMessages = "max_messages", firstPollSeconds = "first_poll_seconds", pollSeconds =
                "poll_seconds"
        }
    }

    public struct Result: Codable, Sendable {
        public var transform: TransformOutcome
        public var abandonedFeedsRequeued: Int
        public var feeds: [String]
        public var messages: Int
        public var rejected: Int
        enum CodingKeys: String, CodingKey {
            case transform, abandonedFeedsRequeued = "abandoned_feeds_requeued", feeds, messages, rejected
        }
    }

    /// A PREPARING feed older than this belongs to a run that died (the job's timeout is shorter).
    static let abandonedAfterSeconds = 1_800

    public init() {}

    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let maxFeeds = payload.maxFeeds ?? 5
        let maxMessages = payload.maxMessages ?? FeedBuilder.maxMessagesPerFeed
        guard (1...100).contains(maxFeeds) else {
            throw JobError.permanent("max_feeds must be between 1 and 100, got \(maxFeeds)")
        }
        guard (1...FeedBuilder.maxMessagesPerFeed).contains(maxMessages) else {
            throw JobError.permanent("max_messages must be between 1 and 25000, got \(maxMessages)")
        }
        let store = CatalogStore(database: context.database)
        let transform = try await store.transformPending()
        let abandoned = try await store.releaseAbandonedFeeds(accountID: account.id, olderThan: Self.abandonedAfterSeconds)
        let builder = FeedBuilder(settings: AmazonJobSupport.feedSettings(account.settings), maxMessages: maxMessages)
        let client = AmazonJobSupport.client(account, context)
        var result = Result(transform: transform, abandonedFeedsRequeued: abandoned, feeds: [], messages: 0, rejected: 0)
        var logger = context.logger
        logger[metadataKey: "account_id"] = "\(account.id)"

        while result.feeds.count < maxFeeds {
            try context.checkCancellation()
            let entries = try await store.nextBatch(limit: maxMessages)
            if entries.isEmpty { break }
            let build = builder.build(entries)
            try await store.markRejected(build.rejected)
            result.rejected += build.rejected.count
            guard let document = build.documents.first else { continue }
            let feed = try await store.recordFeed(accountID: account.id, document: document)
            let submission: SubmittedFeed
            do {
                submission = try await client.submitFeed(document.data)
            } catch {
                try await store.abandonFeed(feed, reason: error.description)
                throw error.jobError
            }
            _ = try await store.markSubmittedAndEnqueuePoll(
                feed: feed, accountID: account.id, submission: submission,
                firstPollSeconds: payload.firstPollSeconds ?? 30,
                pollSeconds: payload.pollSeconds ?? 30)
            result.feeds.append(submission.feedID)
            result.messages += document.messages.count
            logger.info(
                "amazon feed submitted", metadata: ["feed_id": "\(submission.feedID)", "messages": "\(document.messages.count)"])
        }
        logger.info(
            "amazon catalog sync done",
            metadata: [
                "operations": "\(transform.operations)", "sync_rows": "\(transform.syncRows)", "feeds": "\(result.feeds.count)",
                "messages": "\(result.messages)", "rejected": "\(result.rejected)",
            ])
        return result
    }
}
