import Foundation
import JobQueue
import Postgres

extension AmazonAdmin {
    /// One feed by Amazon's feedId (or by `amazon_feed.id` with `localID`),
    /// with the issues of its kept processing report mapped to SKUs and sync
    /// rows, and its Failure rows (a FATAL feed has no per-message issues).
    public func feed(_ reference: String, localID: Bool = false, failedRowLimit: Int = 100) async throws
        -> AmazonFeedReport
    {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw JobAdminError.invalid("feed: give Amazon's feedId") }
        if localID && Int64(trimmed) == nil {
            throw JobAdminError.invalid("--local: '\(trimmed)' is not an amazon_feed id (a whole number)")
        }
        return try await database.withConnection { connection in
            let condition = localID ? "id = $1::bigint" : "amazon_feed_id = $1"
            guard
                let row = try await connection.query(
                    """
                    SELECT \(Self.feedColumns), account_id, feed_document_id, result_document_id, polls, report
                      FROM amazon_feed WHERE \(condition)
                    """, [trimmed]
                ).first
            else {
                throw JobAdminError.notFound(
                    localID
                        ? "no amazon_feed row with id \(trimmed)"
                        : "no amazon_feed has Amazon feedId '\(trimmed)'; list feeds with: jobctl amazon status <account>")
            }
            let feed = try Self.decodeFeed(row)
            var counts: [String: Int] = [:]
            for count in try await connection.query(
                "SELECT sync_status, count(*)::int AS n FROM amazon_product_sync WHERE feed_id = $1 GROUP BY 1", [feed.id]
            ).rows {
                counts[try count.decode(String.self, "sync_status")] = try count.decode(Int.self, "n")
            }
            var issues: [AmazonFeedReport.Issue] = []
            var reportError: String?
            let raw: String? = row["report"]
            if let raw {
                do {
                    let report = try ProcessingReport.parse(Data(raw.utf8))
                    issues = try await Self.issues(report.issues, feed: feed.id, connection)
                } catch {
                    reportError = "\(error)"
                }
            }
            let failed = try await connection.query(
                """
                SELECT m.message_id, m.sku, s.sync_type, s.sync_status, s.sync_message
                  FROM amazon_product_sync s
                  JOIN LATERAL (SELECT message_id, sku FROM amazon_feed_message
                                 WHERE feed_id = s.feed_id AND sync_id = s.id ORDER BY message_id LIMIT 1) m ON true
                 WHERE s.feed_id = $1 AND s.sync_status = 'Failure' ORDER BY m.message_id LIMIT $2
                """, [feed.id, failedRowLimit]
            ).rows.map {
                AmazonFeedReport.FailedRow(
                    messageId: try $0.decode(Int.self, "message_id"), sku: try $0.decode(String.self, "sku"),
                    syncType: try $0.decode(String.self, "sync_type"), status: try $0.decode(String.self, "sync_status"),
                    message: $0["sync_message"])
            }
            return AmazonFeedReport(
                feed: feed, accountId: try row.decode(Int64.self, "account_id"), feedDocumentId: row["feed_document_id"],
                resultDocumentId: row["result_document_id"], polls: try row.decode(Int.self, "polls"), rowCounts: counts,
                issues: issues, failedRows: failed, reportError: reportError, reportKept: raw != nil)
        }
    }

    /// The report's issues with each message's SKU and the sync row it came from.
    static func issues(_ issues: [ProcessingReport.Issue], feed: Int64, _ connection: PostgresConnection) async throws
        -> [AmazonFeedReport.Issue]
    {
        let ids = Array(Set(issues.compactMap(\.messageId))).sorted()
        var messages: [Int: (sku: String, type: String, status: String)] = [:]
        if !ids.isEmpty {
            for row in try await connection.query(
                """
                SELECT m.message_id, m.sku, s.sync_type,
                       CASE WHEN s.feed_id = m.feed_id THEN s.sync_status ELSE 'superseded' END AS status
                  FROM unnest($2::int[]) AS i(id)
                  JOIN amazon_feed_message m ON m.feed_id = $1 AND m.message_id = i.id
                  JOIN amazon_product_sync s ON s.id = m.sync_id
                """, [feed, ids]
            ).rows {
                messages[try row.decode(Int.self, "message_id")] = (
                    try row.decode(String.self, "sku"), try row.decode(String.self, "sync_type"),
                    try row.decode(String.self, "status")
                )
            }
        }
        return issues.sorted { ($0.messageId ?? 0) < ($1.messageId ?? 0) }.map { issue in
            let message = issue.messageId.flatMap { messages[$0] }
            return AmazonFeedReport.Issue(
                messageId: issue.messageId, sku: message?.sku ?? issue.sku, syncType: message?.type, status: message?.status,
                severity: issue.severity.rawValue, code: issue.code, attributeName: issue.attributeName, message: issue.message)
        }
    }
}
