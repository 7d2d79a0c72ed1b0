import Foundation
import JobQueue

/// `amazon.orders_ack`: sends the account's due acknowledgements as one
/// `POST_ORDER_ACKNOWLEDGEMENT_DATA` XML feed (one message per order: the
/// ERP's order and line ids, or a cancellation with its reason) through the
/// Feeds flow, and enqueues `amazon.orders_ack_status` in the statement that
/// records Amazon's feed id. Queued by the database whenever an order becomes
/// due (the ERP writing its ids, or the sync storing an order that left
/// PENDING), deduplicated by its unique key. A cancellation of an order with
/// any shipment is never sent: it would refund the whole order.
public struct OrdersAckJob: JobHandler {
    public static let jobType = "amazon.orders_ack"
    public static var requiresAccount: Bool { true }

    public struct Payload: Decodable, Sendable {
        /// Most orders per feed (default 10,000).
        public var maxMessages: Int?
        /// Seconds before the first status poll (default 30).
        public var firstPollSeconds: Double?
        /// Base of the poll backoff (default 30 s, doubling).
        public var pollSeconds: Double?
        enum CodingKeys: String, CodingKey {
            case maxMessages = "max_messages", firstPollSeconds = "first_poll_seconds", pollSeconds = "poll_seconds"
        }
    }

    public struct Result: Codable, Sendable {
        public var feedID: String?
        public var messages: Int
        public var housekeeping: OrderStore.AcknowledgementHousekeeping
        public var statusJob: Int64?
        enum CodingKeys: String, CodingKey { case feedID = "feed_id", messages, housekeeping, statusJob = "status_job" }
    }

    /// A PREPARING feed older than this belongs to a run that died.
    static let abandonedAfterSeconds = 1_800

    public init() {}

    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let store = OrderStore(database: context.database)
        let (batch, housekeeping) = try await store.takeAcknowledgements(
            accountID: account.id, limit: min(max(payload.maxMessages ?? 10_000, 1), 25_000),
            abandonedAfterSeconds: Self.abandonedAfterSeconds)
        guard let batch else { return Result(feedID: nil, messages: 0, housekeeping: housekeeping, statusJob: nil) }
        let document = AcknowledgementFeed.build(sellerID: account.settings.sellerID, messages: batch.messages)
        let client = AmazonJobSupport.client(account, context)
        let submission: SubmittedFeed
        do {
            submission = try await client.submitFeed(
                document, feedType: AcknowledgementFeed.feedType, contentType: AcknowledgementFeed.contentType)
        } catch {
            try await store.abandonAcknowledgementFeed(batch.feedRowID, reason: error.description)
            throw error.jobError
        }
        let job = try await store.markAcknowledgementSubmitted(
            feed: batch.feedRowID, accountID: account.id, submission: submission,
            firstPollSeconds: payload.firstPollSeconds ?? 30, pollSeconds: payload.pollSeconds ?? 30)
        context.logger.info(
            "amazon order acknowledgements submitted",
            metadata: ["feed_id": "\(submission.feedID)", "messages": "\(batch.messages.count)"])
        return Result(feedID: submission.feedID, messages: batch.messages.count, housekeeping: housekeeping, statusJob: job)
    }
}
