import Foundation
import Postgres

/// The audit trail (`console_audit`): every action an operator takes through
/// the console, written in the same request as the action.
public struct AuditStore: Sendable {
    let database: PostgresPool

    /// Works on the console's pool.
    public init(database: PostgresPool) { self.database = database }

    /// One recorded action.
    public struct Entry: Sendable {
        /// When.
        public var at: Date
        /// Who (`console_user.login`).
        public var login: String
        /// What, e.g. `retry`.
        public var action: String
        /// The job acted on.
        public var jobID: Int64?
        /// The account acted on.
        public var accountID: Int64?
        /// More words: counts, the names (never values) of replaced secrets.
        public var detail: String?
    }

    /// Records that `login` did `action`.
    public func record(login: String, action: String, jobID: Int64? = nil, accountID: Int64? = nil, detail: String? = nil)
        async throws
    {
        try await database.execute(
            "INSERT INTO console_audit (user_login, action, job_id, account_id, detail) VALUES ($1, $2, $3, $4, $5)",
            [login, action, jobID, accountID, detail])
    }

    /// The newest entries about a job.
    public func entries(jobID: Int64, limit: Int = 50) async throws -> [Entry] {
        try await entries(where: "job_id = $1", jobID, limit: limit)
    }

    /// The newest entries about an account.
    public func entries(accountID: Int64, limit: Int = 50) async throws -> [Entry] {
        try await entries(where: "account_id = $1", accountID, limit: limit)
    }

    private func entries(where condition: String, _ id: Int64, limit: Int) async throws -> [Entry] {
        try await database.query(
            """
            SELECT at, user_login, action, job_id, account_id, detail FROM console_audit
             WHERE \(condition) ORDER BY id DESC LIMIT $2
            """, [id, limit]
        ).rows.map { row in
            Entry(
                at: try row.decode(Date.self, "at"), login: try row.decode(String.self, "user_login"),
                action: try row.decode(String.self, "action"), jobID: try row.decode(Int64?.self, "job_id"),
                accountID: try row.decode(Int64?.self, "account_id"), detail: row["detail"])
        }
    }
}
