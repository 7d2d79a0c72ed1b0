import Foundation
import Logging
import Postgres
import Synchronization

/// Writes one attempt's progress to its `marketplace_job` row, throttled, so
/// a handler may report after every page or message without thinking about
/// the database.
///
/// The rule: the first report is written at once; reports that come within
/// `interval` (1 s) of the end of the last write are coalesced, and the latest
/// of them is written when that interval ends. So a job gets at most one progress write
/// per interval, and no value is lost for good: `finish()` (called by the
/// worker when the handler returns or throws, before the outcome is written)
/// writes a value still held back, so the row ends with the last value the
/// handler reported.
///
/// A handler never waits for the database: `report` only takes a lock; the
/// write runs in its own task on the handler pool. A failed write is logged at
/// debug and dropped (the next report tries again); it never fails the job.
/// Every write carries the worker's guard (`state = 'running' AND locked_by AND
/// attempts`), so a worker that lost the job cannot touch the row of whoever
/// runs it now.
public final class ProgressReporter: Sendable {
    /// The job whose row is written.
    public let jobID: Int64
    /// This worker's `locked_by`, for the guard.
    public let workerID: String
    /// The claimed attempt, for the guard.
    public let attempt: Int
    /// The shortest time between two writes (but `finish`'s final flush).
    public let interval: Duration
    private let database: PostgresPool
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        /// Reported and not yet handed to a write.
        var latest: JobProgress?
        /// The value of the latest write that succeeded.
        var written: JobProgress?
        /// When the latest write ended: the throttle's clock. Counting from
        /// the end, not the start, keeps writes an interval apart at the
        /// server too, even when one waited for a pool connection.
        var lastWrite: ContinuousClock.Instant?
        /// The task writing, or waiting out the interval to write.
        var writer: Task<Void, Never>?
        var finished = false
        /// Writes begun, for tests.
        var writes = 0
    }

    /// The write: the worker's guard, so a lost job's row is never touched.
    static let updateSQL = """
        UPDATE marketplace_job SET progress = $4::jsonb, updated_at = now()
         WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3
        """

    /// A reporter for one claimed attempt, writing through `database` (the handler pool).
    public init(
        jobID: Int64, workerID: String, attempt: Int, database: PostgresPool, logger: Logger,
        interval: Duration = .seconds(1)
    ) {
        self.jobID = jobID
        self.workerID = workerID
        self.attempt = attempt
        self.database = database
        self.logger = logger
        self.interval = interval
    }

    /// Records `progress` and makes sure a write will carry it (now, or when
    /// the interval ends). Returns at once. Ignored after `finish()`, and when
    /// it repeats what the row already holds.
    public func report(_ progress: JobProgress) {
        state.withLock { state in
            guard !state.finished else { return }
            if state.latest == nil && state.written == progress { return }
            state.latest = progress
            if state.writer == nil {
                state.writer = Task { [self] in await drain() }
            }
        }
    }

    /// Writes a value still held back, after any write in flight; then
    /// ignores later reports. Called once, when the handler has ended.
    public func finish() async {
        let (writer, last) = state.withLock { state in
            state.finished = true
            let last = state.latest
            state.latest = nil
            if last != nil { state.writes += 1 }
            defer { state.writer = nil }
            return (state.writer, last)
        }
        // Wakes a writer waiting out the interval; a write in flight runs in
        // its own task and is not cancelled.
        writer?.cancel()
        await writer?.value
        if let last { await write(last) }
    }

    /// Writes begun so far, the final flush included.
    var writeCount: Int { state.withLock { $0.writes } }

    /// One writer at a time: waits until the interval since the last write
    /// has passed, writes the latest value, and goes on while reports arrive.
    private func drain() async {
        while true {
            let wait: Duration? = state.withLock { state in
                guard let last = state.lastWrite else { return nil }
                let remaining = last + interval - ContinuousClock.now
                return remaining > .zero ? remaining : nil
            }
            // Cancelled by `finish`, which then writes the held-back value itself.
            if let wait { try? await Task.sleep(for: wait) }
            let next: JobProgress? = state.withLock { state in
                guard !state.finished, let value = state.latest else {
                    if !state.finished { state.writer = nil }
                    return nil
                }
                state.latest = nil
                state.writes += 1
                return value
            }
            guard let next else { return }
            // Its own task: `finish` cancelling this writer must not cancel the query.
            await Task { [self] in await write(next) }.value
            state.withLock { $0.lastWrite = .now }
        }
    }

    private func write(_ progress: JobProgress) async {
        do {
            let rows = try await database.execute(
                Self.updateSQL, [jobID, workerID, attempt, PostgresJSON(text: progress.json)])
            if rows == 0 {
                logger.debug("progress not written: the job is no longer running on this worker")
            } else {
                state.withLock { $0.written = progress }
            }
        } catch {
            logger.debug("progress not written", metadata: ["error": "\(error)"])
        }
    }
}
