import Foundation
import JobQueue
import Postgres

/// The acknowledgement queue's SQL: which orders go in the next
/// `POST_ORDER_ACKNOWLEDGEMENT_DATA` feed, and how its report settles them.
extension OrderStore {
    /// The orders taken for one feed, recorded as a PREPARING `amazon_feed`.
    public struct AcknowledgementBatch: Sendable {
        /// The `amazon_feed` row.
        public var feedRowID: Int64
        /// One message per order, ids 1….
        public var messages: [AcknowledgementMessage]
    }

    /// What `takeAcknowledgements` found besides the batch.
    public struct AcknowledgementHousekeeping: Sendable, Codable, Equatable {
        /// Orders of abandoned feeds queued again.
        public var requeued = 0
        /// Cancellations not sent because something shipped (a Failure would refund the whole order).
        public var refusedCancellations = 0
        enum CodingKeys: String, CodingKey { case requeued, refusedCancellations = "refused_cancellations" }
    }

    static let ackFeedType = AcknowledgementFeed.feedType

    /// In one transaction: re-queues the orders of feeds that never reached
    /// Amazon (PREPARING longer than `abandonedAfterSeconds`, or ABANDONED),
    /// refuses cancellations of orders with any shipment, takes up to `limit`
    /// New orders (`SKIP LOCKED`), records the feed and marks them Sent with
    /// their message ids. Nil when nothing is due.
    public func takeAcknowledgements(accountID: Int64, limit: Int, abandonedAfterSeconds: Int) async throws
        -> (batch: AcknowledgementBatch?, housekeeping: AcknowledgementHousekeeping)
    {
        try await database.transaction { connection in
            var housekeeping = AcknowledgementHousekeeping()
            housekeeping.requeued = try await connection.query(
                """
                WITH abandoned AS (
                    UPDATE amazon_feed SET processing_status = 'ABANDONED', finished_at = now(),
                           error = 'the run that built this feed stopped before createFeed answered; its orders were queued again'
                     WHERE account_id = $1 AND feed_type = $3 AND processing_status = 'PREPARING'
                       AND created_at < now() - make_interval(secs => $2)
                    RETURNING id
                ), requeued AS (
                    UPDATE amazon_order o SET ack_status = 'New', ack_feed_id = NULL, ack_message_id = NULL, updated_at = now()
                     WHERE o.account_id = $1 AND o.ack_status = 'Sent'
                       AND (o.ack_feed_id IS NULL OR o.ack_feed_id IN (SELECT id FROM abandoned)
                            OR o.ack_feed_id IN (SELECT id FROM amazon_feed WHERE account_id = $1 AND processing_status = 'ABANDONED'))
                    RETURNING 1
                )
                SELECT count(*) AS n FROM requeued
                """, [accountID, abandonedAfterSeconds, Self.ackFeedType]
            ).first!.decode(Int.self, "n")
            housekeeping.refusedCancellations = try await connection.execute(
                """
                UPDATE amazon_order o SET ack_status = 'Failure', updated_at = now(),
                       ack_message = 'not sent: the order has a shipment, and a cancellation (StatusCode Failure) would refund '
                                  || 'the whole order; refund the unshipped items instead'
                 WHERE o.account_id = $1 AND o.ack_status = 'New' AND o.cancel_reason IS NOT NULL
                   AND (o.fulfillment_status IN ('PARTIALLY_SHIPPED', 'SHIPPED')
                        OR EXISTS (SELECT 1 FROM amazon_shipment s WHERE s.order_id = o.id)
                        OR EXISTS (SELECT 1 FROM amazon_order_item i WHERE i.order_id = o.id AND i.quantity_fulfilled > 0))
                """, [accountID])
            let orders = try await connection.query(
                """
                SELECT id, amazon_order_id, merchant_order_id, cancel_reason FROM amazon_order
                 WHERE account_id = $1 AND ack_status = 'New' ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
                """, [accountID, limit]
            ).rows
            if orders.isEmpty { return (nil, housekeeping) }
            let ids = try orders.map { try $0.decode(Int64.self, "id") }
            var items: [Int64: [(String, String?)]] = [:]
            for row in try await connection.query(
                """
                SELECT order_id, order_item_id, merchant_order_item_id FROM amazon_order_item
                 WHERE order_id = ANY($1::bigint[]) ORDER BY order_id, id
                """, [ids]
            ).rows {
                items[try row.decode(Int64.self, "order_id"), default: []].append(
                    (row["order_item_id"]!, row["merchant_order_item_id"]))
            }
            var messages: [AcknowledgementMessage] = []
            for (index, row) in orders.enumerated() {
                let id = ids[index]
                let reason: String? = row["cancel_reason"]
                messages.append(
                    AcknowledgementMessage(
                        messageID: index + 1, orderRowID: id, amazonOrderID: row["amazon_order_id"]!,
                        merchantOrderID: row["merchant_order_id"], cancel: reason != nil,
                        items: (items[id] ?? []).map {
                            AcknowledgementMessage.Item(orderItemID: $0.0, merchantOrderItemID: $0.1, cancelReason: reason)
                        }))
            }
            let feed = try await connection.query(
                """
                WITH feed AS (
                    INSERT INTO amazon_feed (account_id, message_count, feed_type) VALUES ($1, $2, $3) RETURNING id
                ), marked AS (
                    UPDATE amazon_order o SET ack_status = 'Sent', ack_feed_id = feed.id, ack_message_id = m.message_id,
                           ack_attempts = o.ack_attempts + 1, ack_message = NULL, updated_at = now()
                      FROM feed, unnest($4::bigint[], $5::int[]) AS m(order_id, message_id)
                     WHERE o.id = m.order_id
                    RETURNING 1
                )
                SELECT id, (SELECT count(*) FROM marked) AS marked FROM feed
                """, [accountID, messages.count, Self.ackFeedType, ids, messages.map(\.messageID)]
            ).first!.decode(Int64.self, "id")
            return (AcknowledgementBatch(feedRowID: feed, messages: messages), housekeeping)
        }
    }

    /// The submission failed before Amazon took the feed: its orders go back to New at once.
    public func abandonAcknowledgementFeed(_ feed: Int64, reason: String) async throws {
        try await database.execute(
            """
            WITH abandoned AS (
                UPDATE amazon_feed SET processing_status = 'ABANDONED', error = $2, finished_at = now()
                 WHERE id = $1 AND processing_status = 'PREPARING' RETURNING id
            )
            UPDATE amazon_order SET ack_status = 'New', ack_feed_id = NULL, ack_message_id = NULL,
                   ack_attempts = greatest(ack_attempts - 1, 0), updated_at = now()
             WHERE ack_feed_id IN (SELECT id FROM abandoned) AND ack_status = 'Sent'
            """, [feed, reason])
    }

    /// createFeed answered: records Amazon's ids and enqueues the status poll in one statement.
    public func markAcknowledgementSubmitted(
        feed: Int64, accountID: Int64, submission: SubmittedFeed, firstPollSeconds: Double, pollSeconds: Double
    ) async throws -> Int64? {
        try await database.query(
            """
            WITH submitted AS (
                UPDATE amazon_feed SET processing_status = 'IN_QUEUE', feed_document_id = $2, amazon_feed_id = $3, submitted_at = now()
                 WHERE id = $1 AND processing_status = 'PREPARING' RETURNING id
            )
            SELECT marketplace_enqueue('amazon.orders_ack_status', jsonb_build_object('feed_id', $3::text, 'poll_seconds', $6::float8),
                                       account_id => $4, run_at => now() + make_interval(secs => $5::float8),
                                       name => 'Follow an order acknowledgement feed',
                                       unique_key => 'amazon.orders_ack_status:' || $3::text) AS job
              FROM submitted
            """, [feed, submission.feedDocumentID, submission.feedID, accountID, firstPollSeconds, pollSeconds]
        ).first?.decode(Int64.self, "job")
    }

    /// Settles a DONE feed's orders from its report: a message with an Error
    /// result is Failure (the errors joined), every other Success (warnings kept).
    public func applyAcknowledgementReport(
        feed: Int64, report: XMLProcessingReport, raw: String, resultDocumentID: String
    ) async throws -> (succeeded: Int, failed: Int) {
        var errors: [Int: [String]] = [:]
        var warnings: [Int: [String]] = [:]
        for result in report.results {
            let text = [result.messageCode, result.description].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            if result.resultCode.lowercased() == "error" {
                errors[result.messageID, default: []].append(text)
            } else {
                warnings[result.messageID, default: []].append(text)
            }
        }
        let failedIDs = errors.keys.sorted()
        let warnedIDs = warnings.keys.sorted()
        return try await database.transaction { connection in
            let failed = try await connection.execute(
                """
                UPDATE amazon_order o SET ack_status = 'Failure', ack_message = e.message, updated_at = now()
                  FROM unnest($2::int[], $3::text[]) AS e(message_id, message)
                 WHERE o.ack_feed_id = $1 AND o.ack_status = 'Sent' AND o.ack_message_id = e.message_id
                """, [feed, failedIDs, failedIDs.map { errors[$0]!.joined(separator: "; ") }])
            let succeeded = try await connection.execute(
                """
                UPDATE amazon_order o SET ack_status = 'Success', acknowledged_at = now(), updated_at = now(),
                       ack_message = (SELECT w.message FROM unnest($2::int[], $3::text[]) AS w(message_id, message)
                                       WHERE w.message_id = o.ack_message_id)
                 WHERE o.ack_feed_id = $1 AND o.ack_status = 'Sent'
                """, [feed, warnedIDs, warnedIDs.map { warnings[$0]!.joined(separator: "; ") }])
            try await connection.execute(
                """
                UPDATE amazon_feed SET processing_status = 'DONE', processing_summary = $2::jsonb, report = $3,
                       result_document_id = $4, finished_at = now()
                 WHERE id = $1
                """, [feed, PostgresJSON(text: report.summaryJSON), raw, resultDocumentID])
            return (succeeded, failed)
        }
    }

    /// A FATAL or cancelled feed, or an unreadable report: every order of it is Failure with the reason.
    public func failAcknowledgementFeed(
        _ feed: Int64, status: String, reason: String, raw: String?, resultDocumentID: String?
    ) async throws -> Int {
        try await database.transaction { connection in
            let failed = try await connection.execute(
                """
                UPDATE amazon_order SET ack_status = 'Failure', ack_message = $2, updated_at = now()
                 WHERE ack_feed_id = $1 AND ack_status = 'Sent'
                """, [feed, reason])
            try await connection.execute(
                """
                UPDATE amazon_feed SET processing_status = $2, error = $3, report = $4, result_document_id = $5, finished_at = now()
                 WHERE id = $1
                """, [feed, status, reason, raw, resultDocumentID])
            return failed
        }
    }
}
