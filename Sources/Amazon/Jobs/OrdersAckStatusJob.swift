import Foundation
import JobQueue

/// `amazon.orders_ack_status`: follows one acknowledgement feed. While Amazon
/// has it queued or in progress the job comes back later (`retryAfter`, no
/// attempt spent); when DONE it downloads the XML processing report, parses
/// it with FoundationXML and settles each order by its message id. FATAL or
/// CANCELLED, or a report that does not parse, fail every order of the feed
/// with the reason (the raw report is kept on the feed row).
public struct OrdersAckStatusJob: JobHandler {
    public static let jobType = "amazon.orders_ack_status"
    public static var requiresAccount: Bool { true }

    /// Which feed, and the poll backoff's base (default 30 s).
    public typealias Payload = FeedPollPayload

    public struct Result: Codable, Sendable {
        public var feedID: String
        public var processingStatus: String
        public var succeeded: Int
        public var failed: Int
        enum CodingKeys: String, CodingKey { case feedID = "feed_id", processingStatus = "processing_status", succeeded, failed }
    }

    public init() {}

    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let feeds = CatalogStore(database: context.database)
        let store = OrderStore(database: context.database)
        guard let row = try await feeds.feedRow(amazonFeedID: payload.feedID, accountID: account.id) else {
            throw JobError.permanent("no amazon_feed row of \(account.label) has amazon_feed_id \(payload.feedID)")
        }
        if row.settled { return Result(feedID: payload.feedID, processingStatus: "settled before", succeeded: 0, failed: 0) }
        let client = AmazonJobSupport.client(account, context)
        let feed = try await AmazonJobSupport.call { () async throws(AmazonError) in try await client.getFeed(payload.feedID) }
        context.progress(phase: feed.processingStatus.rawValue)
        switch feed.processingStatus {
        case .inQueue, .inProgress:
            try await feeds.recordPoll(feed: row.id, status: feed.processingStatus.rawValue)
            throw FeedPoll.again(
                "feed \(payload.feedID)", status: feed.processingStatus.rawValue, base: payload.pollSeconds ?? 30,
                polls: row.polls, now: context.now())
        case .fatal, .cancelled:
            var reason = "\(feed.processingStatus.rawValue): Amazon did not process acknowledgement feed \(payload.feedID)"
            var raw: String?
            if let document = feed.resultFeedDocumentID, let data = try? await client.downloadReport(feedDocumentID: document) {
                raw = String(decoding: data, as: UTF8.self)
                if let report = try? XMLProcessingReport.parse(data) {
                    let texts = report.results.filter { $0.resultCode == "Error" }.map(\.description)
                    if !texts.isEmpty { reason += ": " + texts.prefix(5).joined(separator: "; ") }
                }
            }
            let failed = try await store.failAcknowledgementFeed(
                row.id, status: feed.processingStatus.rawValue, reason: reason, raw: raw,
                resultDocumentID: feed.resultFeedDocumentID)
            return Result(feedID: payload.feedID, processingStatus: feed.processingStatus.rawValue, succeeded: 0, failed: failed)
        case .done:
            guard let document = feed.resultFeedDocumentID else {
                throw JobError.retryable("feed \(payload.feedID) is DONE but names no resultFeedDocumentId yet")
            }
            let data = try await AmazonJobSupport.call { () async throws(AmazonError) in
                try await client.downloadReport(feedDocumentID: document)
            }
            let report: XMLProcessingReport
            do {
                report = try XMLProcessingReport.parse(data)
            } catch {
                _ = try await store.failAcknowledgementFeed(
                    row.id, status: "DONE", reason: "processing report unreadable: \(error.description)",
                    raw: String(decoding: data, as: UTF8.self), resultDocumentID: document)
                throw JobError.permanent(
                    "feed \(payload.feedID): \(error.description); the raw report is kept in amazon_feed \(row.id).report")
            }
            let settled = try await store.applyAcknowledgementReport(
                feed: row.id, report: report, raw: String(decoding: data, as: UTF8.self), resultDocumentID: document)
            context.logger.info(
                "amazon acknowledgement feed settled",
                metadata: ["feed_id": "\(payload.feedID)", "succeeded": "\(settled.succeeded)", "failed": "\(settled.failed)"])
            return Result(
                feedID: payload.feedID, processingStatus: "DONE", succeeded: settled.succeeded, failed: settled.failed)
        }
    }
}
