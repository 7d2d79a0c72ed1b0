import Foundation
import Postgres

extension JobAdmin {
    /// A job that reached a final state, as `--wait` options report it.
    public struct FinishedJob: Sendable {
        /// The job's id.
        public var id: Int64
        /// `done`, `failed` or `cancelled`.
        public var state: String
        /// Attempts spent, as the row records them.
        public var attempts: Int
        /// The handler's result (`done` jobs), as stored JSON.
        public var result: Data?
        /// The latest error, if any.
        public var error: String?
    }

    /// A job not finished yet, as `--wait` sees it at each poll.
    public struct WaitingJob: Sendable, Equatable {
        /// The job's id.
        public var id: Int64
        /// `pending` or `running`.
        public var state: String
        /// Claims so far (the running attempt's number while running).
        public var attempts: Int
        /// How far the running attempt got, if its handler reports progress.
        public var progress: JobProgress?
    }

    /// Follows a job until it is done, failed or cancelled, for every
    /// marketplace's `--wait` (nil = `timeout` passed first). It polls the row
    /// rather than listening: the queue sends no notification when a job
    /// finishes, and one indexed read every `interval` costs nothing. Each
    /// poll of an unfinished job is passed to `observe` (a progress line).
    public func waitForJob(
        id: Int64, timeout: Duration,
        every interval: Duration = .milliseconds(250),
        observe: (@Sendable (WaitingJob) -> Void)? = nil
    ) async throws -> FinishedJob? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let rows = try await connection.query(
                """
                SELECT state, attempts, result::text AS result, error, progress::text AS progress
                  FROM marketplace_job WHERE id = $1
                """, [id])
            guard let row = rows.first else { throw JobAdminError.notFound("job \(id) does not exist (pruned?)") }
            let state = try row.decode(String.self, "state")
            let attempts = try row.decode(Int.self, "attempts")
            if state == JobState.done.rawValue || state == JobState.failed.rawValue || state == JobState.cancelled.rawValue {
                return FinishedJob(
                    id: id, state: state, attempts: attempts,
                    result: row["result"].map { Data($0.utf8) }, error: row["error"])
            }
            observe?(WaitingJob(id: id, state: state, attempts: attempts, progress: JobProgress.decode(row["progress"])))
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: interval)
        }
    }
}
