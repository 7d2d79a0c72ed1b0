import Foundation
import JobQueue
import Postgres

extension CatalogStore {
    /// Records a built document before it is submitted: the feed row
    /// (PREPARING), its message map, and the rows it carries, in one
    /// statement. Throws, writing nothing, if another run took any of them.
    public func recordFeed(accountID: Int64, document: ListingsFeedDocument) async throws -> Int64 {
        let syncIDs = document.messages.map(\.syncID)
        return try await database.transaction { connection in
            let free = try await connection.query(
                """
                SELECT count(*) AS n FROM (SELECT id FROM amazon_product_sync
                  WHERE id = ANY($1::bigint[]) AND sync_status = 'New' AND feed_id IS NULL FOR UPDATE) s
                """, [Array(Set(syncIDs))])
            guard try free.first?.decode(Int.self, "n") == Set(syncIDs).count else {
                throw JobError.retryable("another catalog sync took some of these sync rows; building again")
            }
            let row = try await connection.query(
                """
                WITH feed AS (
                    INSERT INTO amazon_feed (account_id, message_count) VALUES ($1, $2) RETURNING id
                ), messages AS (
                    INSERT INTO amazon_feed_message (feed_id, message_id, sync_id, sku)
                    SELECT feed.id, m.message_id, m.sync_id, m.sku
                      FROM feed, unnest($3::int[], $4::bigint[], $5::text[]) AS m(message_id, sync_id, sku)
                    RETURNING 1
                ), assigned AS (
                    UPDATE amazon_product_sync s
                       SET feed_id = feed.id, message_id = f.first, attempts = s.attempts + 1, sync_timestamp = now(), updated_at = now()
                      FROM feed, (SELECT sync_id, min(message_id) AS first FROM unnest($3::int[], $4::bigint[]) AS m(message_id, sync_id)
                                   GROUP BY sync_id) f
                     WHERE s.id = f.sync_id
                    RETURNING 1
                )
                SELECT id, (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM assigned) AS assigned FROM feed
                """,
                [accountID, document.messages.count, document.messages.map(\.messageID), syncIDs, document.messages.map(\.sku)])
            return try row.first!.decode(Int64.self, "id")
        }
    }

    /// createFeed answered: the feed is Amazon's now.
    public func markSubmitted(feed: Int64, feedDocumentID: String, amazonFeedID: String) async throws {
        try await database.execute(
            """
            UPDATE amazon_feed SET processing_status = 'IN_QUEUE', feed_document_id = $2, amazon_feed_id = $3, submitted_at = now()
             WHERE id = $1 AND processing_status = 'PREPARING'
            """, [feed, feedDocumentID, amazonFeedID])
    }

    /// PREPARING feeds of the account older than `olderThan` seconds: the run
    /// that built them stopped before createFeed answered. Their rows go back
    /// to the queue (sent once more; every message is idempotent). Only
    /// catalog feeds: a PREPARING refund feed may be Amazon's already (0010's `feed_type`).
    @discardableResult
    public func releaseAbandonedFeeds(accountID: Int64, olderThan seconds: Int) async throws -> Int {
        let rows = try await database.query(
            """
            WITH abandoned AS (
                UPDATE amazon_feed SET processing_status = 'ABANDONED', finished_at = now(),
                       error = 'the run that built this feed stopped before createFeed answered; its rows were queued again'
                 WHERE account_id = $1 AND feed_type = 'JSON_LISTINGS_FEED' AND processing_status = 'PREPARING'
                   AND created_at < now() - make_interval(secs => $2)
                RETURNING id
            ), released AS (
                UPDATE amazon_product_sync SET feed_id = NULL, message_id = NULL, updated_at = now()
                 WHERE feed_id IN (SELECT id FROM abandoned) AND sync_status = 'New'
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM abandoned) AS feeds
            """, [accountID, seconds])
        return try rows.first?.decode(Int.self, "feeds") ?? 0
    }

    /// Rows the builder could not turn into a message: Failure with the reason, never sent.
    public func markRejected(_ rejected: [(syncID: Int64, reason: String)]) async throws {
        if rejected.isEmpty { return }
        try await database.execute(
            """
            UPDATE amazon_product_sync s SET sync_status = 'Failure', sync_message = r.reason, sync_timestamp = now(),
                   retry_unchanged = false, updated_at = now()
              FROM unnest($1::bigint[], $2::text[]) AS r(id, reason) WHERE s.id = r.id
            """, [rejected.map(\.syncID), rejected.map(\.reason)])
    }

    /// Applies a DONE feed's report in one transaction: each row Success or
    /// Failure with its messages (a row with several messages fails if any
    /// does), the feed DONE with its summary and raw report, and the
    /// follow-up rows of every accepted create (rule 7). A row taken out of
    /// the feed by a newer change is left alone; a settled feed is not applied twice.
    /// With `followUpSync`, a catalog sync of that account is enqueued in the
    /// same transaction when follow-ups were written, so they are always sent.
    public func applyReport(
        feed: Int64, report: ProcessingReport, raw: String, resultDocumentID: String?,
        followUpSync: (accountID: Int64, pollSeconds: Double)? = nil
    ) async throws -> ReportOutcome {
        try await database.transaction { connection in
            var outcome = ReportOutcome()
            guard try await Self.lockUnsettled(feed, connection) else { outcome.alreadyApplied = true; return outcome }
            let (byMessage, feedErrors) = report.outcomes()
            let ids = byMessage.keys.sorted()
            let settled = try await connection.query(
                """
                WITH issues AS (
                    SELECT * FROM unnest($2::int[], $3::boolean[], $4::text[]) AS r(message_id, failed, message)
                ), per_row AS (
                    SELECT m.sync_id, bool_or(coalesce(i.failed, false)) OR $5::text IS NOT NULL AS failed,
                           concat_ws('; ', $5::text, string_agg(i.message, '; ' ORDER BY m.message_id)) AS message
                      FROM amazon_feed_message m LEFT JOIN issues i ON i.message_id = m.message_id
                     WHERE m.feed_id = $1 GROUP BY m.sync_id
                )
                UPDATE amazon_product_sync s
                   SET sync_status = CASE WHEN p.failed THEN 'Failure' ELSE 'Success' END, sync_message = nullif(p.message, ''),
                       sync_timestamp = now(), retry_unchanged = false, updated_at = now()
                  FROM per_row p
                 WHERE s.id = p.sync_id AND s.feed_id = $1 AND s.sync_status = 'New'
                RETURNING s.model_name, s.record_id, s.sync_type, s.sync_status
                """,
                [
                    feed, ids, ids.map { byMessage[$0]!.failed }, ids.map { byMessage[$0]!.message },
                    feedErrors.isEmpty ? nil : "feed error: " + feedErrors.joined(separator: "; "),
                ])
            var accepted: [RecordKey] = []
            for row in settled.rows {
                if row["sync_status"] == "Success" {
                    outcome.succeeded += 1
                    if row["sync_type"] == "create", let model = row["model_name"].flatMap(ModelName.init(rawValue:)) {
                        accepted.append(RecordKey(model, try row.decode(Int64.self, "record_id")))
                    }
                } else {
                    outcome.failed += 1
                }
            }
            outcome.followUps = try await Self.writeFollowUps(accepted, connection)
            if outcome.followUps > 0, let sync = followUpSync {
                outcome.catalogSyncJob = try await connection.query(
                    """
                    SELECT marketplace_enqueue('amazon.catalog_sync',
                                               jsonb_build_object('first_poll_seconds', $2::float8, 'poll_seconds', $2::float8),
                                               account_id => $1::bigint, unique_key => 'amazon.catalog_sync:' || $1::bigint::text) AS id
                    """, [sync.accountID, sync.pollSeconds]
                ).first?.decode(Int64.self, "id")
            }
            try await connection.execute(
                """
                UPDATE amazon_feed SET processing_status = 'DONE', processing_summary = $2::jsonb, report = $3,
                       result_document_id = $4, finished_at = now() WHERE id = $1
                """, [feed, try PostgresJSON(encoding: report.summary), raw, resultDocumentID])
            return outcome
        }
    }

    /// FATAL or CANCELLED feeds, and reports that cannot be read: every row
    /// still in the feed becomes Failure with the reason, marked for a retry
    /// without a new write (the content was never judged). `raw` keeps the report.
    public func failFeed(
        _ feed: Int64, status: String, reason: String, raw: String? = nil,
        resultDocumentID: String? = nil
    ) async throws -> ReportOutcome {
        try await database.transaction { connection in
            var outcome = ReportOutcome()
            guard try await Self.lockUnsettled(feed, connection) else { outcome.alreadyApplied = true; return outcome }
            outcome.failed = try await connection.execute(
                """
                UPDATE amazon_product_sync SET sync_status = 'Failure', sync_message = $2, sync_timestamp = now(),
                       retry_unchanged = true, updated_at = now()
                 WHERE feed_id = $1 AND sync_status = 'New'
                """, [feed, reason])
            try await connection.execute(
                """
                UPDATE amazon_feed SET processing_status = $2, error = $3, report = $4, result_document_id = $5, finished_at = now()
                 WHERE id = $1
                """, [feed, status, reason, raw, resultDocumentID])
            return outcome
        }
    }

    static func lockUnsettled(_ feed: Int64, _ connection: PostgresConnection) async throws -> Bool {
        let row = try await connection.query(
            "SELECT processing_status, finished_at FROM amazon_feed WHERE id = $1 FOR UPDATE", [feed])
        guard let status = row.first?["processing_status"] else {
            throw JobError.permanent("amazon_feed \(feed) does not exist")
        }
        return row.first?["finished_at"] == nil && status != "ABANDONED"
    }

    /// Rule 7's rows for accepted creates, written as New.
    static func writeFollowUps(_ accepted: [RecordKey], _ connection: PostgresConnection) async throws -> Int {
        if accepted.isEmpty { return 0 }
        let variants = accepted.filter { $0.model == .productProduct }.map(\.id)
        let templates = accepted.filter { $0.model == .productTemplate }.map(\.id)
        var state = try await loadState(connection, variantIDs: variants, templateIDs: templates)
        let parentsOfVariants = Set(state.variants.values.compactMap(\.templateID)).subtracting(state.templates.keys)
        if !parentsOfVariants.isEmpty {
            let more = try await loadState(connection, variantIDs: [], templateIDs: Array(parentsOfVariants))
            state.templates.merge(more.templates) { $1 }
        }
        let followUps = accepted.flatMap { CatalogTransformer.followUps(acceptedCreateOf: $0, state: state) }
        try await write(followUps, fresh: followUps.map { _ in true }, connection)
        return followUps.count
    }
}

extension CatalogStore {
    /// The submission failed before Amazon took the feed: its rows go back
    /// to the queue at once, and the feed row says why.
    public func abandonFeed(_ feed: Int64, reason: String) async throws {
        try await database.execute(
            """
            WITH abandoned AS (
                UPDATE amazon_feed SET processing_status = 'ABANDONED', error = $2, finished_at = now()
                 WHERE id = $1 AND processing_status = 'PREPARING' RETURNING id
            )
            UPDATE amazon_product_sync SET feed_id = NULL, message_id = NULL, attempts = greatest(attempts - 1, 0), updated_at = now()
             WHERE feed_id IN (SELECT id FROM abandoned) AND sync_status = 'New'
            """, [feed, reason])
    }

    /// createFeed answered: records Amazon's ids and enqueues the status poll
    /// in the same statement, so a submitted feed is always polled.
    public func markSubmittedAndEnqueuePoll(
        feed: Int64, accountID: Int64, submission: SubmittedFeed,
        firstPollSeconds: Double, pollSeconds: Double
    ) async throws -> Int64? {
        let row = try await database.query(
            """
            WITH submitted AS (
                UPDATE amazon_feed SET processing_status = 'IN_QUEUE', feed_document_id = $2, amazon_feed_id = $3, submitted_at = now()
                 WHERE id = $1 AND processing_status = 'PREPARING' RETURNING id
            )
            SELECT marketplace_enqueue('amazon.feed_status', jsonb_build_object('feed_id', $3::text, 'poll_seconds', $6::float8),
                                       account_id => $4, run_at => now() + make_interval(secs => $5::float8),
                                       unique_key => 'amazon.feed_status:' || $3::text) AS job
              FROM submitted
            """, [feed, submission.feedDocumentID, submission.feedID, accountID, firstPollSeconds, pollSeconds])
        return try row.first?.decode(Int64.self, "job")
    }

    /// The feed row of an Amazon feed id, for the status job.
    public func feedRow(amazonFeedID: String, accountID: Int64) async throws -> (id: Int64, polls: Int, settled: Bool)? {
        guard
            let row = try await database.query(
                """
                SELECT id, polls, finished_at IS NOT NULL AS settled FROM amazon_feed WHERE amazon_feed_id = $1 AND account_id = $2
                """, [amazonFeedID, accountID]
            ).first
        else { return nil }
        return (try row.decode(Int64.self, "id"), try row.decode(Int.self, "polls"), try row.decode(Bool.self, "settled"))
    }

    /// One more poll found the feed still queued or in progress.
    public func recordPoll(feed: Int64, status: String) async throws {
        try await database.execute(
            "UPDATE amazon_feed SET polls = polls + 1, processing_status = $2 WHERE id = $1 AND finished_at IS NULL",
            [feed, status])
    }
}
