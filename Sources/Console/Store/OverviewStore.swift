import Foundation
import Postgres

/// The overview page's figures that `JobAdmin.stats` does not give: finished
/// jobs per minute over the last hour, and the workers seen lately.
public struct OverviewStore: Sendable {
    let database: PostgresPool

    /// Works on the console's pool.
    public init(database: PostgresPool) { self.database = database }

    /// Jobs that finished in one minute, split by outcome.
    public struct Minute: Sendable {
        /// 0 is the current minute, 59 an hour ago.
        public var minutesAgo: Int
        /// Jobs that finished done.
        public var done: Int
        /// Jobs that failed for good.
        public var failed: Int
    }

    /// Sixty minutes, oldest first; minutes with nothing are zero. Reads only
    /// the last hour through the `finished_at` index of migration 0012.
    public func throughput() async throws -> [Minute] {
        let rows = try await database.query(
            """
            SELECT floor(extract(epoch FROM now() - finished_at) / 60)::int AS ago,
                   count(*) FILTER (WHERE state = 'done') AS done, count(*) FILTER (WHERE state = 'failed') AS failed
              FROM marketplace_job
             WHERE finished_at > now() - interval '1 hour'
             GROUP BY 1
            """
        ).rows
        var minutes = (0..<60).map { Minute(minutesAgo: $0, done: 0, failed: 0) }
        for row in rows {
            let ago = try row.decode(Int.self, "ago")
            guard (0..<60).contains(ago) else { continue }
            minutes[ago].done = try row.decode(Int.self, "done")
            minutes[ago].failed = try row.decode(Int.self, "failed")
        }
        return minutes.reversed()
    }

    /// A worker that claimed or finished a job in the last minute.
    public struct WorkerSeen: Sendable {
        /// `locked_by`: `host:pid` by default.
        public var id: String
        /// Jobs it runs now.
        public var running: Int
        /// Its latest job update.
        public var lastSeen: Date
    }

    /// Workers with a running job, or a job they touched in the last minute.
    public func workers() async throws -> [WorkerSeen] {
        try await database.query(
            """
            SELECT locked_by, count(*) FILTER (WHERE state = 'running') AS running, max(updated_at) AS last_seen
              FROM marketplace_job
             WHERE locked_by IS NOT NULL AND (state = 'running' OR updated_at > now() - interval '1 minute')
             GROUP BY locked_by ORDER BY locked_by
            """
        ).rows.map { row in
            WorkerSeen(
                id: try row.decode(String.self, "locked_by"), running: try row.decode(Int.self, "running"),
                lastSeen: try row.decode(Date.self, "last_seen"))
        }
    }

    /// The oldest pending job that is due, if any.
    public func oldestDue() async throws -> (id: Int64, jobType: String, due: Date)? {
        guard
            let row = try await database.query(
                """
                SELECT id, job_type, next_run_at FROM marketplace_job
                 WHERE state = 'pending' AND next_run_at <= now() ORDER BY next_run_at, id LIMIT 1
                """
            ).first
        else { return nil }
        return (
            try row.decode(Int64.self, "id"), try row.decode(String.self, "job_type"), try row.decode(Date.self, "next_run_at")
        )
    }

    /// Queue depth for the live counter: pending jobs due now, and running jobs.
    public func depth() async throws -> (due: Int, running: Int) {
        guard
            let row = try await database.query(
                """
                SELECT (SELECT count(*) FROM marketplace_job WHERE state = 'pending' AND next_run_at <= now()) AS due,
                       (SELECT count(*) FROM marketplace_job WHERE state = 'running') AS running
                """
            ).first
        else { return (0, 0) }
        return (try row.decode(Int.self, "due"), try row.decode(Int.self, "running"))
    }

    /// Notifications nobody has acknowledged yet.
    public func unreadNotifications() async throws -> Int {
        try await database.query(
            "SELECT count(*) AS n FROM marketplace_notification WHERE acknowledged_at IS NULL"
        ).first.map { try $0.decode(Int.self, "n") } ?? 0
    }
}
