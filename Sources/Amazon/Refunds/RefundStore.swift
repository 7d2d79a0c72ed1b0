import Foundation
import JobQueue
import Postgres

/// The refund job's SQL. A refund cannot be taken back, so the row says at
/// every moment what may have happened: `Sending` is committed, with its feed
/// row, *before* createFeed is sent; from then on the refund is never
/// submitted again automatically: an answer (`Sent`, with Amazon's feed id)
/// or a person (`Review`) decides what follows.
public struct RefundStore: Sendable {
    /// The pool every statement runs on.
    public let database: PostgresPool

    /// A store on `database`.
    public init(database: PostgresPool) { self.database = database }

    /// The row, its order and its feed, or nil.
    public func refund(_ id: Int64) async throws -> RefundRow? {
        try await database.query(
            """
            SELECT \(RefundRow.columns) FROM amazon_adjustment a JOIN amazon_order o ON o.id = a.order_id
              LEFT JOIN amazon_feed f ON f.id = a.feed_id WHERE a.id = $1
            """, [id]
        ).first.map(RefundRow.init(row:))
    }

    /// Refused before sending (bad lines, a net charge): Failure with the reason.
    public func markInvalid(_ id: Int64, message: String, net: Decimal?) async throws {
        try await database.execute(
            """
            UPDATE amazon_adjustment SET status = 'Failure', message = $2, net_amount = $3::numeric, updated_at = now()
             WHERE id = $1 AND status = 'New'
            """, [id, message, net.map { AmazonMoneyText.plain($0) }])
    }

    /// The point of no return, committed before createFeed: a PREPARING feed
    /// row for the uploaded document, and the refund Sending in it as message 1.
    /// Throws, recording nothing, when the row is no longer New (another run took it).
    public func markSending(_ id: Int64, accountID: Int64, feedDocumentID: String, net: Decimal) async throws -> Int64 {
        try await database.transaction { connection in
            let row = try await connection.query(
                """
                WITH feed AS (
                    INSERT INTO amazon_feed (account_id, message_count, feed_type, feed_document_id)
                    SELECT $2, 1, 'POST_PAYMENT_ADJUSTMENT_DATA', $3 WHERE EXISTS (
                        SELECT 1 FROM amazon_adjustment WHERE id = $1 AND status = 'New')
                    RETURNING id
                )
                UPDATE amazon_adjustment a
                   SET status = 'Sending', feed_id = feed.id, message_id = 1, net_amount = $4::numeric,
                       attempts = a.attempts + 1, message = NULL, updated_at = now()
                  FROM feed WHERE a.id = $1 AND a.status = 'New'
                RETURNING feed.id
                """, [id, accountID, feedDocumentID, AmazonMoneyText.plain(net)])
            guard let feed = try row.first?.decode(Int64.self, "id") else {
                throw JobError.retryable("amazon_adjustment \(id) is no longer New: another run is sending it")
            }
            return feed
        }
    }

    /// createFeed answered: the feed is Amazon's, the refund Sent.
    public func markSent(_ id: Int64, feed: Int64, submission: SubmittedFeed) async throws {
        try await database.transaction { connection in
            try await connection.execute(
                """
                UPDATE amazon_feed SET processing_status = 'IN_QUEUE', amazon_feed_id = $2, submitted_at = now()
                 WHERE id = $1 AND processing_status = 'PREPARING'
                """, [feed, submission.feedID])
            try await connection.execute(
                "UPDATE amazon_adjustment SET status = 'Sent', sent_at = now(), updated_at = now() WHERE id = $1 AND status = 'Sending'",
                [id])
        }
    }

    /// createFeed was refused: no feed exists. `status` New (throttled: try
    /// again) or Failure (Amazon's 4xx: only a corrected row is sent again).
    public func markNotCreated(_ id: Int64, feed: Int64, status: String, message: String) async throws {
        try await database.transaction { connection in
            try await connection.execute(
                """
                UPDATE amazon_feed SET processing_status = 'ABANDONED', error = $2, finished_at = now()
                 WHERE id = $1 AND processing_status = 'PREPARING'
                """, [feed, message])
            try await connection.execute(
                """
                UPDATE amazon_adjustment SET status = $2::text, message = $3, feed_id = CASE WHEN $2::text = 'New' THEN NULL ELSE feed_id END,
                       updated_at = now()
                 WHERE id = $1 AND status = 'Sending'
                """, [id, status, message])
        }
    }

    /// The outcome is unknown (createFeed unanswered, a report that cannot
    /// be read, a Sending row found by a later run): a person decides.
    public func markReview(_ id: Int64, message: String) async throws {
        try await database.execute(
            """
            UPDATE amazon_adjustment SET status = 'Review', message = $2, updated_at = now()
             WHERE id = $1 AND status IN ('Sending', 'Sent')
            """, [id, message])
    }

    /// One more poll found the feed still queued or in progress.
    public func recordPoll(feed: Int64, status: String) async throws {
        try await database.execute(
            "UPDATE amazon_feed SET polls = polls + 1, processing_status = $2 WHERE id = $1 AND finished_at IS NULL",
            [feed, status])
    }

    /// The feed is done: the refund Success or Failure (Amazon's errors), the
    /// feed closed with its status, raw report and summary, in one transaction.
    public func settle(
        _ id: Int64, feed: Int64, feedStatus: String, succeeded: Bool, message: String?, report: String?,
        summary: String?, resultDocumentID: String?
    ) async throws {
        try await database.transaction { connection in
            try await connection.execute(
                """
                UPDATE amazon_feed SET processing_status = $2, report = $3, processing_summary = $4::jsonb,
                       result_document_id = $5, error = CASE WHEN $6::boolean THEN NULL ELSE $7 END, finished_at = now()
                 WHERE id = $1 AND finished_at IS NULL
                """, [feed, feedStatus, report, summary, resultDocumentID, succeeded, message])
            try await connection.execute(
                """
                UPDATE amazon_adjustment SET status = CASE WHEN $2::boolean THEN 'Success' ELSE 'Failure' END, message = $3,
                       settled_at = now(), updated_at = now()
                 WHERE id = $1 AND status = 'Sent'
                """, [id, succeeded, message])
        }
    }
}
