import Foundation
import Postgres

/// The operator's actions on jobs (what `jobctl` does), as typed functions so
/// the CLI stays thin and tests can call them directly. Refusals are
/// `JobAdminError`s whose text says what to do instead.
public struct JobAdmin: Sendable {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    // MARK: Enqueue

    public struct NewJob: Sendable {
        public var jobType: String
        public var payload: String = "{}"
        public var accountID: Int64?
        public var runAt: Date?
        public var priority: Int = 0
        public var maxAttempts: Int = 5
        public var name: String?
        public var uniqueKey: String?

        public init(jobType: String) { self.jobType = jobType }
    }

    /// Inserts through `marketplace_enqueue` and returns the job id (the
    /// existing one when `uniqueKey` matches a pending job).
    public func enqueue(_ job: NewJob) async throws -> Int64 {
        guard !job.jobType.isEmpty else { throw JobAdminError.invalid("the job type must not be empty") }
        guard job.maxAttempts >= 1 else {
            throw JobAdminError.invalid("--max-attempts must be at least 1, got \(job.maxAttempts)")
        }
        do {
            _ = try JSONSerialization.jsonObject(with: Data(job.payload.utf8), options: [.fragmentsAllowed])
        } catch {
            if let nesting = DecodingErrorText.tooDeep(Data(job.payload.utf8)) {
                throw JobAdminError.invalid("the payload is \(nesting)")
            }
            throw JobAdminError.invalid("the payload is not valid JSON: \(Self.jsonErrorText(error))")
        }
        do {
            let row = try await connection.query(
                """
                SELECT marketplace_enqueue($1, $2::jsonb, account_id => $3, run_at => coalesce($4::timestamptz, now()),
                                           priority => $5, max_attempts => $6, name => $7, unique_key => $8) AS id
                """,
                [
                    job.jobType, PostgresJSON(text: job.payload), job.accountID, job.runAt, job.priority,
                    job.maxAttempts, job.name, job.uniqueKey,
                ]
            ).first
            guard let row else { throw JobAdminError.invalid("marketplace_enqueue returned nothing") }
            return try row.decode(Int64.self, "id")
        } catch let error as PostgresError {
            switch error.sqlState {
            case PostgresServerError.foreignKeyViolation:
                throw JobAdminError.notFound(
                    "account \(job.accountID.map(String.init) ?? "?") does not exist; list accounts with: psql -c 'SELECT id, name, marketplace FROM marketplace_account'"
                )
            case PostgresServerError.checkViolation, "22P02":
                throw JobAdminError.invalid("the database refused the job: \(error)")
            default:
                throw error
            }
        }
    }

    // MARK: Reading

    /// One line of `jobctl list`.
    public struct Summary: Sendable, Codable {
        public var id: Int64
        public var name: String?
        public var jobType: String
        public var state: String
        public var accountID: Int64?
        public var priority: Int
        public var attempts: Int
        public var maxAttempts: Int
        public var nextRunAt: Date
        public var createdAt: Date
        public var finishedAt: Date?
        public var error: String?
        public var lockedBy: String?
        /// How far the latest attempt got (migration 0008), if its handler reports it.
        public var progress: JobProgress? = nil

        /// From a row with the `marketplace_job` columns of these fields
        /// (`progress` as text): `list`, `page` and `job` all read it so.
        init(row: PostgresRow) throws {
            id = try row.decode(Int64.self, "id")
            name = row["name"]
            jobType = try row.decode(String.self, "job_type")
            state = try row.decode(String.self, "state")
            accountID = try row.decode(Int64?.self, "account_id")
            priority = try row.decode(Int.self, "priority")
            attempts = try row.decode(Int.self, "attempts")
            maxAttempts = try row.decode(Int.self, "max_attempts")
            nextRunAt = try row.decode(Date.self, "next_run_at")
            createdAt = try row.decode(Date.self, "created_at")
            finishedAt = try row.decode(Date?.self, "finished_at")
            error = row["error"]
            lockedBy = row["locked_by"]
            progress = JobProgress.decode(row["progress"])
        }
    }

    public func list(state: JobState?, jobType: String?, limit: Int) async throws -> [Summary] {
        let rows = try await connection.query(
            """
            SELECT id, name, job_type, state, account_id, priority, attempts, max_attempts, next_run_at,
                   created_at, finished_at, error, locked_by, progress::text AS progress
              FROM marketplace_job
             WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR job_type = $2)
             ORDER BY id DESC
             LIMIT $3
            """, [state?.rawValue, jobType, limit]
        ).rows
        return try rows.map(Summary.init(row:))
    }

    /// Everything about one job, for `jobctl show`. Account credentials are never read.
    public struct Detail: Sendable, Codable {
        public var summary: Summary
        public var accountName: String?
        public var payload: String
        public var result: String?
        public var errors: [HistoryEntry]
        public var lockedUntil: Date?
        public var startedAt: Date?
        public var updatedAt: Date
        public var uniqueKey: String?
    }

    /// One element of the `errors` column.
    public struct HistoryEntry: Sendable, Codable {
        public var at: String
        public var attempt: Int
        public var kind: String?
        public var error: String
    }

    public func job(id: Int64) async throws -> Detail {
        guard
            let row = try await connection.query(
                """
                SELECT j.id, j.name, j.job_type, j.state, j.account_id, j.priority, j.attempts, j.max_attempts, j.next_run_at,
                       j.created_at, j.finished_at, j.error, j.locked_by, j.locked_until, j.started_at, j.updated_at, j.unique_key,
                       j.payload::text AS payload, j.result::text AS result, j.errors::text AS errors, a.name AS account_name,
                       j.progress::text AS progress
                  FROM marketplace_job j LEFT JOIN marketplace_account a ON a.id = j.account_id
                 WHERE j.id = $1
                """, [id]
            ).first
        else {
            throw JobAdminError.notFound("job \(id) does not exist")
        }
        let summary = try Summary(row: row)
        let history = (try? JSONDecoder().decode([HistoryEntry].self, from: Data((row["errors"] ?? "[]").utf8))) ?? []
        return Detail(
            summary: summary, accountName: row["account_name"], payload: row["payload"] ?? "{}",
            result: row["result"], errors: history, lockedUntil: try row.decode(Date?.self, "locked_until"),
            startedAt: try row.decode(Date?.self, "started_at"), updatedAt: try row.decode(Date.self, "updated_at"),
            uniqueKey: row["unique_key"])
    }

    // MARK: Changing state

    /// Makes a pending, failed or cancelled job (or, with `again`, a done one)
    /// due now and wakes idle workers. Refuses a running job. The rules live
    /// in `marketplace_job_run_now` (migration 0004); this maps its refusals.
    @discardableResult
    public func runNow(id: Int64, again: Bool = false) async throws -> JobState {
        let row: PostgresRow?
        do {
            row = try await connection.query("SELECT marketplace_job_run_now($1, again => $2) AS previous", [id, again]).first
        } catch let error as PostgresError {
            throw Self.refusal(error) ?? error
        }
        guard let text = row?["previous"], let previous = JobState(rawValue: text) else {
            throw JobAdminError.invalid("marketplace_job_run_now returned no known state for job \(id)")
        }
        return previous
    }

    /// failed → pending with attempts reset; the error history is kept. A job
    /// whose unique_key another job covers (`marketplace_job_superseded`) is refused.
    public func retry(id: Int64) async throws {
        try await connection.transaction { connection in
            let current = try await lockedState(id: id, on: connection)
            guard current.state == .failed else {
                let hint = current.state == .cancelled || current.state == .done ? " (jobctl run-now \(id) runs it anyway)" : ""
                throw JobAdminError.refused(
                    "job \(id) is \(current.state.rawValue), not failed; only failed jobs are retried\(hint)")
            }
            if let covering = try await connection.query(
                "SELECT superseded_by FROM marketplace_job_superseded(ARRAY[$1::bigint])", [id]
            ).first?["superseded_by"] {
                throw JobAdminError.refused(
                    "pending job \(covering) already has this job's unique_key; that one will do the work (jobctl show \(covering))"
                )
            }
            do {
                try await connection.execute(
                    """
                    UPDATE marketplace_job
                       SET state = 'pending', attempts = 0, next_run_at = now(), finished_at = NULL, updated_at = now()
                     WHERE id = $1
                    """, [id])
            } catch let error as PostgresError where error.sqlState == PostgresServerError.uniqueViolation {
                // A pending job with the key was inserted since the check above.
                throw JobAdminError.refused(
                    "another pending job already has this job's unique_key; that one will do the work (jobctl list --state pending)"
                )
            }
            try await connection.execute("SELECT pg_notify($1, '')", [Worker.wakeChannel])
        }
    }

    /// Retries every failed job (of one type). Jobs that
    /// `marketplace_job_superseded` says another job covers (a pending job
    /// holds the key, or a newer failed one of this set has it) are left
    /// failed: the covering one does the work.
    public func retryAllFailed(jobType: String?) async throws -> Int {
        try await connection.transaction { connection in
            let count = try await connection.execute(
                """
                WITH failed AS (
                    SELECT id FROM marketplace_job
                     WHERE state = 'failed' AND ($1::text IS NULL OR job_type = $1)
                       FOR UPDATE
                ), covered AS (
                    SELECT id FROM marketplace_job_superseded(ARRAY(SELECT id FROM failed))
                )
                UPDATE marketplace_job j
                   SET state = 'pending', attempts = 0, next_run_at = now(), finished_at = NULL, updated_at = now()
                  FROM failed f
                 WHERE j.id = f.id AND f.id NOT IN (SELECT id FROM covered)
                """, [jobType])
            if count > 0 { try await connection.execute("SELECT pg_notify($1, '')", [Worker.wakeChannel]) }
            return count
        }
    }

    /// pending → cancelled at once; running → cancelled, and its worker
    /// cancels the handler on the NOTIFY (or at its next heartbeat). The
    /// change and the NOTIFY are `marketplace_job_cancel` (migration 0004).
    @discardableResult
    public func cancel(id: Int64) async throws -> JobState {
        try await connection.transaction { connection in
            let current = try await lockedState(id: id, on: connection)
            guard current.state == .pending || current.state == .running else {
                throw JobAdminError.refused("job \(id) is already \(current.state.rawValue); nothing to cancel")
            }
            let row = try await connection.query(
                "SELECT previous_state FROM marketplace_job_cancel(ARRAY[$1::bigint], 'cancelled by operator')", [id]
            ).first
            guard let text = row?["previous_state"], let previous = JobState(rawValue: text) else {
                throw JobAdminError.invalid("marketplace_job_cancel did not cancel job \(id)")
            }
            return previous
        }
    }

    /// Deletes done and cancelled jobs that finished before `cutoff`, in
    /// batches so a big prune never holds long locks.
    public func prune(finishedBefore cutoff: Date) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await connection.execute(
                """
                DELETE FROM marketplace_job WHERE id IN (
                    SELECT id FROM marketplace_job
                     WHERE state IN ('done', 'cancelled') AND coalesce(finished_at, updated_at) < $1
                     LIMIT 10000)
                """, [cutoff])
            total += deleted
            if deleted < 10000 { return total }
        }
    }

    // MARK: Stats

    public struct Stats: Sendable, Codable {
        public struct Count: Sendable, Codable {
            public var jobType: String
            public var state: String
            public var count: Int
        }
        public var counts: [Count]
        /// Seconds the oldest due pending job has waited; nil when none is due.
        public var oldestDueAgeSeconds: Double?
        public var finishedLastMinute: Int
        public var finishedLastHour: Int
        public var failedLastHour: Int
    }

    public func stats() async throws -> Stats {
        let counts = try await connection.query(
            """
            SELECT job_type, state, count(*) AS n FROM marketplace_job GROUP BY job_type, state ORDER BY job_type, state
            """
        ).rows.map { row in
            Stats.Count(
                jobType: try row.decode(String.self, "job_type"), state: try row.decode(String.self, "state"),
                count: try row.decode(Int.self, "n"))
        }
        guard
            let row = try await connection.query(
                """
                SELECT (SELECT extract(epoch FROM now() - min(next_run_at))::text FROM marketplace_job
                         WHERE state = 'pending' AND next_run_at <= now()) AS oldest_due,
                       (SELECT count(*) FROM marketplace_job WHERE finished_at > now() - interval '1 minute') AS last_minute,
                       (SELECT count(*) FROM marketplace_job WHERE finished_at > now() - interval '1 hour') AS last_hour,
                       (SELECT count(*) FROM marketplace_job WHERE state = 'failed' AND finished_at > now() - interval '1 hour') AS failed_hour
                """
            ).first
        else { throw JobAdminError.invalid("stats query returned nothing") }
        return Stats(
            counts: counts, oldestDueAgeSeconds: try row.decode(Double?.self, "oldest_due"),
            finishedLastMinute: try row.decode(Int.self, "last_minute"),
            finishedLastHour: try row.decode(Int.self, "last_hour"),
            failedLastHour: try row.decode(Int.self, "failed_hour"))
    }

    // MARK: Helpers

    private func lockedState(id: Int64, on connection: PostgresConnection) async throws -> (state: JobState, lockedBy: String?) {
        guard
            let row = try await connection.query("SELECT state, locked_by FROM marketplace_job WHERE id = $1 FOR UPDATE", [id])
                .first
        else {
            throw JobAdminError.notFound("job \(id) does not exist")
        }
        guard let state = JobState(rawValue: try row.decode(String.self, "state")) else {
            throw JobAdminError.invalid("job \(id) has an unknown state")
        }
        return (state, row["locked_by"])
    }

    /// The operator-facing error for a refusal raised by a queue function
    /// (migration 0004), or nil when the error is not one.
    private static func refusal(_ error: PostgresError) -> JobAdminError? {
        guard case .server(let server) = error else { return nil }
        switch server.sqlState {
        case "P0002": return .notFound(server.message)
        case "55000", PostgresServerError.uniqueViolation: return .refused(server.message)
        default: return nil
        }
    }

    private static func jsonErrorText(_ error: any Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
    }
}
