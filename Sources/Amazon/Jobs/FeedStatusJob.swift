import Foundation
import JobQueue

/// `amazon.feed_status`: follows one submitted feed. While Amazon has it
/// queued or in progress, the job comes back later (`retryAfter`, 30 s then
/// doubling up to 15 minutes, no attempt spent), never sleeping in a slot.
/// When it is DONE it downloads and gunzips the processing report, checks it
/// against the report schema, settles every sync row by messageId, writes the
/// follow-ups of accepted creates (rule 7) and enqueues a catalog sync to
/// send them. FATAL or CANCELLED fail every row of the feed with the reason.
/// An unreadable report keeps the raw bytes on the feed row and fails the job.
public struct FeedStatusJob: JobHandler {
    public static let jobType = "amazon.feed_status"
    public static var requiresAccount: Bool { true }

    /// Which feed, and the poll backoff's base (default 30 s).
    public typealias Payload = FeedPollPayload

    public struct Result: Codable, Sendable {
        public var feedID: String
        public var processingStatus: String
        public var outcome: ReportOutcome
        public var catalogSyncJob: Int64?
        enum CodingKeys: String, CodingKey {
            case feedID = "feed_id", processingStatus = "processing_status", outcome, catalogSyncJob = "catalog_sync_job"
        }
    }

    public init() {}

    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let store = CatalogStore(database: context.database)
        guard let row = try await store.feedRow(amazonFeedID: payload.feedID, accountID: account.id) else {
            throw JobError.permanent("no amazon_feed row of \(account.label) has amazon_feed_id \(payload.feedID)")
        }
        if row.settled {
            return Result(
                feedID: payload.feedID, processingStatus: "settled before",
                outcome: {
                    var o = ReportOutcome(); o.alreadyApplied = true; return o
                }(),
                catalogSyncJob: nil)
        }
        let client = AmazonJobSupport.client(account, context)
        let feed = try await AmazonJobSupport.call { () async throws(AmazonError) in try await client.getFeed(payload.feedID) }
        // Amazon's processing status is the job's phase: `jobctl show` tells a queued feed from one in progress.
        context.progress(phase: feed.processingStatus.rawValue)
        switch feed.processingStatus {
        case .inQueue, .inProgress:
            try await store.recordPoll(feed: row.id, status: feed.processingStatus.rawValue)
            throw FeedPoll.again(
                "feed \(payload.feedID)", status: feed.processingStatus.rawValue, base: payload.pollSeconds ?? 30,
                polls: row.polls, now: context.now())
        case .fatal, .cancelled:
            var reason = "\(feed.processingStatus.rawValue): Amazon did not process feed \(payload.feedID)"
            var raw: String?
            if let document = feed.resultFeedDocumentID,
                let data = try? await client.downloadReport(feedDocumentID: document)
            {
                raw = String(decoding: data, as: UTF8.self)
                if let report = try? ProcessingReport.parse(data) {
                    let texts = report.issues.filter { $0.severity == .error }.map(\.message)
                    if !texts.isEmpty { reason += ": " + texts.prefix(5).joined(separator: "; ") }
                }
            }
            let outcome = try await store.failFeed(
                row.id, status: feed.processingStatus.rawValue, reason: reason, raw: raw,
                resultDocumentID: feed.resultFeedDocumentID)
            return Result(
                feedID: payload.feedID, processingStatus: feed.processingStatus.rawValue, outcome: outcome, catalogSyncJob: nil)
        case .done:
            guard let document = feed.resultFeedDocumentID else {
                throw JobError.retryable("feed \(payload.feedID) is DONE but names no resultFeedDocumentId yet")
            }
            let data: Data
            do {
                data = try await client.downloadReport(feedDocumentID: document)
            } catch {
                if case .notGzip(_, _, _, let bytes) = error {
                    _ = try await store.failFeed(
                        row.id, status: "DONE", reason: "processing report unreadable: \(error.description)",
                        raw: "base64:" + bytes.base64EncodedString(), resultDocumentID: document)
                    throw JobError.permanent("\(error.description); the raw report is kept in amazon_feed \(row.id).report")
                }
                throw error.jobError
            }
            let report: ProcessingReport
            do {
                report = try ProcessingReport.parse(data)
            } catch {
                _ = try await store.failFeed(
                    row.id, status: "DONE", reason: error.description,
                    raw: String(decoding: data, as: UTF8.self), resultDocumentID: document)
                throw JobError.permanent(
                    "feed \(payload.feedID): \(error.description); the raw report is kept in amazon_feed \(row.id).report")
            }
            let outcome = try await store.applyReport(
                feed: row.id, report: report, raw: String(decoding: data, as: UTF8.self),
                resultDocumentID: document,
                followUpSync: (account.id, payload.pollSeconds ?? 30))
            context.logger.info(
                "amazon feed settled",
                metadata: [
                    "feed_id": "\(payload.feedID)", "succeeded": "\(outcome.succeeded)", "failed": "\(outcome.failed)",
                    "follow_ups": "\(outcome.followUps)",
                ])
            return Result(
                feedID: payload.feedID, processingStatus: "DONE", outcome: outcome, catalogSyncJob: outcome.catalogSyncJob)
        }
    }
}
