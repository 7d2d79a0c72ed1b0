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

    /// Follows a job until it is done, failed or cancelled, for every
    /// marketplace's `--wait` (nil = `timeout` passed first). It polls the row
    /// rather than listening: the queue sends no notification when a job
    /// finishes, and one indexed read every `interval` costs nothing.
    public func waitForJob(
        id: Int64, timeout: Duration,
        every interval: Duration = .milliseconds(250)
    ) async throws -> FinishedJob? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let rows = try await connection.query(
                "SELECT state, attempts, result::text AS result, error FROM marketplace_job WHERE id = $1", [id])
            guard let row = rows.first else { throw JobAdminError.notFound("job \(id) does not exist (pruned?)") }
            let state = try row.decode(String.self, "state")
            if state == JobState.done.rawValue || state == JobState.failed.rawValue || state == JobState.cancelled.rawValue {
                return FinishedJob(
                    id: id, state: state, attempts: try row.decode(Int.self, "attempts"),
                    result: row["result"].map { Data($0.utf8) }, error: row["error"])
            }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: interval)
        }
    }
}
