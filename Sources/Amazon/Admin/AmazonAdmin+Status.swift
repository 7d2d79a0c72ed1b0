import Foundation
import JobQueue
import Postgres

extension AmazonAdmin {
    /// The product tab: counts by sync type × status, the latest feeds, the
    /// newest failures and every failed delete (which needs a person: the
    /// transformer never retries a failed delete, rule 8).
    public func status(account: MarketplaceAccount, feedLimit: Int = 10, failureLimit: Int = 20) async throws
        -> AmazonStatusReport
    {
        guard feedLimit >= 0, failureLimit >= 0 else { throw JobAdminError.invalid("limits must not be negative") }
        return try await database.withConnection { connection in
            let totals = try await connection.query(
                """
                SELECT (SELECT count(*) FROM amazon_product_operation WHERE sync_timestamp IS NULL)::int AS pending,
                       (SELECT count(*) FROM amazon_product_sync WHERE sync_status = 'New' AND feed_id IS NULL)::int AS unsent,
                       (SELECT count(*) FROM amazon_product_sync WHERE sync_status = 'Failure')::int AS failures
                """
            ).first
            let counts = try await connection.query(
                "SELECT sync_type, sync_status, count(*)::int AS n FROM amazon_product_sync GROUP BY 1, 2"
            ).rows.map {
                AmazonStatusReport.Count(
                    syncType: try $0.decode(String.self, "sync_type"), status: try $0.decode(String.self, "sync_status"),
                    count: try $0.decode(Int.self, "n"))
            }.sorted {
                (Self.typeOrder($0.syncType), Self.statusOrder($0.status)) < (
                    Self.typeOrder($1.syncType), Self.statusOrder($1.status)
                )
            }
            let feeds = try await connection.query(
                "SELECT \(Self.feedColumns) FROM amazon_feed WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
                [account.id, feedLimit]
            ).rows.map(Self.decodeFeed)
            let failures = try await connection.query(
                "\(Self.failureSelect) WHERE s.sync_status = 'Failure' ORDER BY s.sync_timestamp DESC NULLS LAST, s.id DESC LIMIT $1",
                [failureLimit]
            ).rows.map(Self.decodeFailure)
            let needsPerson = try await connection.query(
                """
                \(Self.failureSelect) WHERE s.sync_status = 'Failure' AND s.sync_type = $2
                 ORDER BY s.sync_timestamp DESC NULLS LAST, s.id DESC LIMIT $1
                """, [failureLimit, SyncType.delete.rawValue]
            ).rows.map(Self.decodeFailure)
            return AmazonStatusReport(
                accountId: account.id, accountName: account.name, automatic: account.isAutomatic,
                pendingOperations: try totals?.decode(Int.self, "pending") ?? 0, counts: counts,
                unsent: try totals?.decode(Int.self, "unsent") ?? 0, feeds: feeds,
                failureCount: try totals?.decode(Int.self, "failures") ?? 0, failures: failures, needsPerson: needsPerson)
        }
    }

    static let feedColumns = """
        id, amazon_feed_id, processing_status, message_count, processing_summary::text AS summary, error,
        created_at, submitted_at, finished_at
        """

    /// A Failure row with the SKU it is about: the record's, else (a deleted
    /// record) the SKU its feed message carried or its delete values name.
    static let failureSelect = """
        SELECT s.id, s.model_name, s.record_id, s.sync_type, s.sync_message, s.sync_timestamp, f.amazon_feed_id,
               coalesce(p.default_code, t.default_code,
                        (SELECT string_agg(m.sku, ',' ORDER BY m.message_id) FROM amazon_feed_message m
                          WHERE m.sync_id = s.id AND m.feed_id = s.feed_id),
                        s.sync_values->>'default_code') AS sku
          FROM amazon_product_sync s
          LEFT JOIN product p ON s.model_name = 'product_product' AND p.id = s.record_id
          LEFT JOIN product_template t ON s.model_name = 'product_template' AND t.id = s.record_id
          LEFT JOIN amazon_feed f ON f.id = s.feed_id
        """

    static func decodeFeed(_ row: PostgresRow) throws -> AmazonStatusReport.Feed {
        AmazonStatusReport.Feed(
            id: try row.decode(Int64.self, "id"), amazonFeedId: row["amazon_feed_id"],
            processingStatus: try row.decode(String.self, "processing_status"),
            messageCount: try row.decode(Int.self, "message_count"),
            summary: row["summary"].flatMap { try? JSONDecoder().decode(ProcessingReport.Summary.self, from: Data($0.utf8)) },
            error: row["error"], createdAt: try row.decode(Date.self, "created_at"),
            submittedAt: try row.decode(Date?.self, "submitted_at"), finishedAt: try row.decode(Date?.self, "finished_at"))
    }

    static func decodeFailure(_ row: PostgresRow) throws -> AmazonStatusReport.Failure {
        let type = try row.decode(String.self, "sync_type")
        return AmazonStatusReport.Failure(
            id: try row.decode(Int64.self, "id"), sku: row["sku"], modelName: try row.decode(String.self, "model_name"),
            recordId: try row.decode(Int64.self, "record_id"), syncType: type, message: row["sync_message"],
            at: try row.decode(Date?.self, "sync_timestamp"), amazonFeedId: row["amazon_feed_id"],
            needsPerson: type == SyncType.delete.rawValue)
    }

    static func typeOrder(_ type: String) -> Int {
        SyncType(rawValue: type).flatMap { SyncType.allCases.firstIndex(of: $0) } ?? SyncType.allCases.count
    }

    static func statusOrder(_ status: String) -> Int {
        [SyncStatus.new.rawValue, SyncStatus.success.rawValue, SyncStatus.failure.rawValue].firstIndex(of: status) ?? 3
    }
}
