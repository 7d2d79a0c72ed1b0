import Foundation
import JobQueue
import Logging

/// `amazon.refund` (`{"adjustment_id": n}`): sends one ERP refund as a
/// `POST_PAYMENT_ADJUSTMENT_DATA` feed, at most once, and follows the feed.
/// The ERP's insert queues it (0011's trigger, keyed on `erp_refund_id`).
///
/// By the row's status:
/// - New: the lines are checked (a net charge, an unknown type, a bad amount
///   fail at once, nothing sent); the document is uploaded; the row is marked
///   Sending with its feed row *before* createFeed; createFeed's answer makes it
///   Sent. A refused createFeed (4xx) is Failure, a throttled one New again; an
///   unanswered one (timeout, 5xx) is Review: a person decides, the job fails
///   permanently (so the engine notifies) and nothing is ever resubmitted.
/// - Sending (a run died between recording and createFeed's answer): Review.
/// - Sent: polls getFeed by coming back later (no attempt spent); on DONE the
///   XML processing report's message 1 settles it (Success, or Failure with
///   Amazon's words); FATAL/CANCELLED are Failure; an unreadable report is Review.
/// - Success, Failure, Review: nothing to do.
public struct RefundJob: JobHandler {
    /// The job type.
    public static let jobType = "amazon.refund"
    public static var requiresAccount: Bool { true }

    /// `{"adjustment_id": n}` and optional poll intervals.
    public struct Payload: Decodable, Sendable {
        /// `amazon_adjustment.id`.
        public var adjustmentID: Int64
        /// Seconds before the first status poll (default 60).
        public var firstPollSeconds: Double?
        /// Base of the poll backoff (default 60 s, doubling to 15 minutes).
        public var pollSeconds: Double?
        enum CodingKeys: String, CodingKey {
            case adjustmentID = "adjustment_id", firstPollSeconds = "first_poll_seconds", pollSeconds = "poll_seconds"
        }
    }

    /// Where the refund ended.
    public struct Result: Codable, Sendable {
        /// `amazon_adjustment.id`.
        public var adjustmentID: Int64
        /// The ERP's refund id.
        public var erpRefundID: String
        /// The row's status after the run.
        public var status: String
        /// Amazon's feed id, once known.
        public var amazonFeedID: String?
        /// Amazon's errors, or what the run found.
        public var message: String?
        enum CodingKeys: String, CodingKey {
            case adjustmentID = "adjustment_id", erpRefundID = "erp_refund_id", status, amazonFeedID = "amazon_feed_id", message
        }
    }

    /// The handler.
    public init() {}

    /// Sends or follows one refund (see the type's comment).
    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let store = RefundStore(database: context.database)
        guard let row = try await store.refund(payload.adjustmentID) else {
            throw JobError.permanent("no amazon_adjustment has id \(payload.adjustmentID)")
        }
        guard row.accountID == account.id else {
            throw JobError.permanent("amazon_adjustment \(row.id) belongs to account \(row.accountID), not to \(account.label)")
        }
        let client = AmazonJobSupport.client(account, context)
        switch row.status {
        case "New":
            return try await send(row, account: account, client: client, store: store, payload: payload, context: context)
        case "Sending":
            let message =
                "\(row.label): an earlier run recorded feed row \(row.feedRowID.map(String.init) ?? "?") and sent createFeed, "
                + "but never recorded Amazon's answer; Amazon may hold the refund. It is not resubmitted: check Seller Central, "
                + "then set the row to Success or Failure"
            try await store.markReview(row.id, message: message)
            throw JobError.permanent(message)
        case "Sent":
            return try await poll(row, client: client, store: store, payload: payload, context: context)
        default:
            return Result(
                adjustmentID: row.id, erpRefundID: row.erpRefundID, status: row.status, amazonFeedID: row.amazonFeedID,
                message: "nothing to do: the refund is \(row.status)")
        }
    }

    private func send(
        _ row: RefundRow, account: AmazonAccount, client: SPAPIClient, store: RefundStore, payload: Payload,
        context: JobContext
    ) async throws -> Result {
        let request: RefundRequest
        let document: Data
        do {
            request = try RefundRequest.parse(
                adjustmentID: row.id, erpRefundID: row.erpRefundID, amazonOrderID: row.amazonOrderID,
                actionType: row.actionType, reason: row.reason, currency: row.currency, linesJSON: row.linesJSON)
            document = try AdjustmentFeedBuilder.build(sellerID: account.settings.sellerID, refunds: [request])
        } catch {
            try await store.markInvalid(row.id, message: error.description, net: error.net)
            throw JobError.permanent(error.description)
        }
        var feedRow: Int64?
        let submission: SubmittedFeed
        do {
            submission = try await client.submitFeedOnce(
                document, feedType: AdjustmentFeedBuilder.feedType, contentType: AdjustmentFeedBuilder.contentType
            ) { upload in
                feedRow = try await store.markSending(
                    row.id, accountID: account.id, feedDocumentID: upload.feedDocumentID, net: request.net)
            }
        } catch {
            switch error {
            case .beforeCreateFeed(let cause):
                throw cause.jobError
            case .recording(let cause):
                throw cause
            case .createFeedRefused(let cause):
                let throttled: Bool
                if case .retryAfter = cause.jobError { throttled = true } else { throttled = false }
                try await store.markNotCreated(
                    row.id, feed: feedRow!, status: throttled ? "New" : "Failure", message: cause.description)
                throw cause.jobError
            case .outcomeUnknown(let cause):
                let message =
                    "\(row.label): createFeed was sent for feed row \(feedRow!) but its answer is unknown (\(cause.description)); "
                    + "Amazon may hold the refund. It is not resubmitted: check Seller Central, then set the row to Success or Failure"
                try await store.markReview(row.id, message: message)
                logger(context, row).error("amazon refund outcome unknown; a person must decide")
                throw JobError.permanent(message)
            }
        }
        try await store.markSent(row.id, feed: feedRow!, submission: submission)
        logger(context, row).info("amazon refund submitted", metadata: ["feed_id": "\(submission.feedID)"])
        let delay = payload.firstPollSeconds ?? 60
        throw JobError.retryAfter(
            context.now().addingTimeInterval(delay),
            "\(row.label) submitted in feed \(submission.feedID); polling it in \(Int(delay.rounded())) s")
    }

    private func poll(
        _ row: RefundRow, client: SPAPIClient, store: RefundStore, payload: Payload, context: JobContext
    ) async throws -> Result {
        guard let feedID = row.amazonFeedID, let feedRow = row.feedRowID else {
            throw JobError.permanent("\(row.label) is Sent but names no Amazon feed id; a person must look")
        }
        let feed = try await AmazonJobSupport.call { () async throws(AmazonError) in try await client.getFeed(feedID) }
        context.progress(phase: feed.processingStatus.rawValue)
        func result(_ status: String, _ message: String?) -> Result {
            Result(adjustmentID: row.id, erpRefundID: row.erpRefundID, status: status, amazonFeedID: feedID, message: message)
        }
        switch feed.processingStatus {
        case .inQueue, .inProgress:
            try await store.recordPoll(feed: feedRow, status: feed.processingStatus.rawValue)
            throw FeedPoll.again(
                "feed \(feedID) of \(row.label)", status: feed.processingStatus.rawValue, base: payload.pollSeconds ?? 60,
                polls: row.polls, now: context.now())
        case .fatal, .cancelled:
            let message = "\(feed.processingStatus.rawValue): Amazon did not process feed \(feedID), so the refund was not made"
            try await store.settle(
                row.id, feed: feedRow, feedStatus: feed.processingStatus.rawValue, succeeded: false, message: message,
                report: nil, summary: nil, resultDocumentID: feed.resultFeedDocumentID)
            return result("Failure", message)
        case .done:
            guard let documentID = feed.resultFeedDocumentID else {
                throw JobError.retryable("feed \(feedID) is DONE but names no resultFeedDocumentId yet")
            }
            let report: XMLProcessingReport
            let raw: String
            do {
                let data = try await client.downloadReport(feedDocumentID: documentID)
                raw = String(decoding: data, as: UTF8.self)
                report = try XMLProcessingReport.parse(data)
            } catch let error as AmazonError {
                if case .notGzip = error {
                    return try await review(
                        row, "the processing report of feed \(feedID) is unreadable: \(error.description)", store)
                }
                throw error.jobError
            } catch {
                return try await review(row, "the processing report of feed \(feedID) is unreadable: \(error)", store)
            }
            // Message 1 is the refund; results with no message (0) are about the whole document.
            let texts = report.results.filter { ($0.messageID == 1 || $0.messageID == 0) && $0.resultCode == "Error" }
                .map { ($0.messageCode.map { "\($0): " } ?? "") + $0.description }
            let errors = texts.isEmpty ? nil : texts.joined(separator: "; ")
            let summary = report.summaryJSON
            try await store.settle(
                row.id, feed: feedRow, feedStatus: "DONE", succeeded: errors == nil, message: errors, report: raw,
                summary: summary, resultDocumentID: documentID)
            logger(context, row).info(
                "amazon refund settled", metadata: ["feed_id": "\(feedID)", "succeeded": "\(errors == nil)"])
            return result(errors == nil ? "Success" : "Failure", errors)
        }
    }

    private func review(_ row: RefundRow, _ why: String, _ store: RefundStore) async throws -> Result {
        let message =
            "\(row.label): \(why); whether Amazon made the refund is unknown, and it is not resubmitted: check Seller Central"
        try await store.markReview(row.id, message: message)
        throw JobError.permanent(message)
    }

    private func logger(_ context: JobContext, _ row: RefundRow) -> Logger {
        var logger = context.logger
        logger[metadataKey: "adjustment_id"] = "\(row.id)"
        logger[metadataKey: "erp_refund_id"] = "\(row.erpRefundID)"
        return logger
    }
}
