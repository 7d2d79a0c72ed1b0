import Foundation
import Postgres

/// What `jobctl notifications` does: list notifications, acknowledge them.
public struct NotificationAdmin: Sendable {
    /// jobctl's connection; one per command.
    public let connection: PostgresConnection

    /// Works on `connection`.
    public init(connection: PostgresConnection) { self.connection = connection }

    /// NOTIFY channel the failure trigger uses; the payload is how many rows it wrote.
    public static let channel = "marketplace_notification"

    /// One `marketplace_notification` row.
    public struct Notification: Sendable, Codable {
        public var id: Int64
        public var accountID: Int64?
        public var accountName: String?
        public var jobID: Int64?
        public var jobType: String?
        public var syncRowID: Int64?
        public var severity: String
        public var message: String
        public var createdAt: Date
        public var acknowledgedBy: String?
        public var acknowledgedAt: Date?
    }

    /// Newest first.
    public func list(unreadOnly: Bool, limit: Int) async throws -> [Notification] {
        guard limit > 0 else { throw JobAdminError.invalid("--limit must be positive") }
        return try await connection.query(
            """
            SELECT n.id, n.account_id, a.name AS account_name, n.job_id, n.job_type, n.sync_row_id, n.severity, n.message,
                   n.created_at, n.acknowledged_by, n.acknowledged_at
              FROM marketplace_notification n LEFT JOIN marketplace_account a ON a.id = n.account_id
             WHERE NOT $1 OR n.acknowledged_at IS NULL
             ORDER BY n.id DESC LIMIT $2
            """, [unreadOnly, limit]
        ).rows.map { row in
            Notification(
                id: try row.decode(Int64.self, "id"), accountID: try row.decode(Int64?.self, "account_id"),
                accountName: row["account_name"], jobID: try row.decode(Int64?.self, "job_id"),
                jobType: row["job_type"], syncRowID: try row.decode(Int64?.self, "sync_row_id"),
                severity: try row.decode(String.self, "severity"), message: try row.decode(String.self, "message"),
                createdAt: try row.decode(Date.self, "created_at"), acknowledgedBy: row["acknowledged_by"],
                acknowledgedAt: try row.decode(Date?.self, "acknowledged_at"))
        }
    }

    /// Acknowledges one notification. Refuses one acknowledged already, naming who did.
    public func acknowledge(id: Int64, by person: String) async throws {
        let person = try Self.validated(person)
        try await connection.transaction { connection in
            guard
                let row = try await connection.query(
                    "SELECT acknowledged_by FROM marketplace_notification WHERE id = $1 FOR UPDATE", [id]
                ).first
            else {
                throw JobAdminError.notFound("notification \(id) does not exist; list them with: jobctl notifications")
            }
            if let who: String = row["acknowledged_by"] {
                throw JobAdminError.refused("notification \(id) was already acknowledged by \(who)")
            }
            try await connection.execute(
                """
                UPDATE marketplace_notification SET acknowledged_by = $2, acknowledged_at = now() WHERE id = $1
                """, [id, person])
        }
    }

    /// Acknowledges every unread notification; returns how many.
    public func acknowledgeAll(by person: String) async throws -> Int {
        let person = try Self.validated(person)
        return try await connection.execute(
            """
            UPDATE marketplace_notification SET acknowledged_by = $1, acknowledged_at = now() WHERE acknowledged_at IS NULL
            """, [person])
    }

    private static func validated(_ person: String) throws(JobAdminError) -> String {
        let trimmed = person.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid("--by: give the name of the person acknowledging") }
        return trimmed
    }
}
