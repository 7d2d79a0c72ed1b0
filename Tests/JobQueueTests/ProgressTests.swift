import Foundation
import Logging
import Postgres
import TestSupport
import Testing

@testable import JobQueue

/// `context.progress(done:total:phase:)`: throttled writes of
/// `marketplace_job.progress` (migration 0008), guarded on the claim, cleared
/// by the next claim, refused by the database when malformed.
@Suite struct ProgressTests {
    /// Logs every non-NULL change of `progress` with the server's clock, so
    /// the tests see each write the worker made and when.
    static func logProgress(_ h: WorkerHarness) async throws {
        try await h.connection.execute(
            "CREATE TABLE progress_log (job_id bigint, attempt int, progress jsonb, at timestamptz DEFAULT clock_timestamp())")
        try await h.connection.execute(
            """
            CREATE FUNCTION log_progress() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO progress_log (job_id, attempt, progress) VALUES (NEW.id, NEW.attempts, NEW.progress);
                RETURN NULL;
            END $$
            """)
        try await h.connection.execute(
            """
            CREATE TRIGGER log_progress AFTER UPDATE OF progress ON marketplace_job FOR EACH ROW
                WHEN (NEW.progress IS NOT NULL AND NEW.progress IS DISTINCT FROM OLD.progress)
                EXECUTE FUNCTION log_progress()
            """)
    }

    struct Logged {
        var attempt: Int
        var progress: JobProgress
        /// Seconds since the previous logged write of the job (nil for the first).
        var gap: Double?
    }

    static func logged(_ h: WorkerHarness, job: Int64) async throws -> [Logged] {
        try await h.connection.query(
            """
            SELECT attempt, progress::text AS progress,
                   extract(epoch FROM at - lag(at) OVER (ORDER BY at))::float8 AS gap
              FROM progress_log WHERE job_id = $1 ORDER BY at
            """, [job]
        ).rows.map { row in
            Logged(
                attempt: try row.decode(Int.self, "attempt"),
                progress: try #require(JobProgress.decode(row["progress"])),
                gap: try row.decode(Double?.self, "gap"))
        }
    }

    static func registry() -> HandlerRegistry {
        var registry = HandlerRegistry()
        registry.register(ProgressJob())
        return registry
    }

    @Test("a handler reporting 60 times in 3 s gets at most one write a second, and the row ends with its last value")
    func throttledWritesReachTheRow() async throws {
        let h = try await WorkerHarness.make("progressthrottle")
        try await withTeardown(await h.finish()) { () async throws in
            try await Self.logProgress(h)
            let id = try await h.insert(ProgressJob.jobType, #"{"steps": 60, "step_ms": 50}"#)
            try await h.drain(Self.registry())

            #expect(try await h.state(id) == "done")
            let row = try await h.job(id)
            #expect(JobProgress.decode(row["progress"]) == JobProgress(done: 60, total: 60, phase: "steps"))

            let writes = try await Self.logged(h, job: id)
            // 60 reports over at least 3 s: the leading write, about one a
            // second after it, and the final flush. Never one per report.
            #expect(writes.count >= 3, "expected several throttled writes, got \(writes.map(\.progress.text))")
            #expect(writes.count < 20, "the reports were not throttled: \(writes.count) writes")
            // The first report (50 ms in) is written at once, not a second later.
            #expect((writes.first?.progress.done ?? 99) <= 3, "the first write came late: \(writes.map(\.progress.text))")
            #expect(writes.last?.progress == JobProgress(done: 60, total: 60, phase: "steps"))
            let dones = writes.compactMap(\.progress.done)
            #expect(dones == dones.sorted() && Set(dones).count == dones.count, "writes went backwards: \(dones)")
            // Every write but the final flush waited out the interval (a
            // little slack for the client's and the server's clocks).
            for write in writes.dropFirst().dropLast() {
                #expect((write.gap ?? 0) >= 0.9, "two progress writes \(write.gap ?? 0) s apart")
            }
        }
    }

    @Test("a retried attempt starts with no progress; the failed attempt's last value was written before its outcome")
    func claimClearsProgress() async throws {
        let h = try await WorkerHarness.make("progressretry")
        try await withTeardown(await h.finish()) { () async throws in
            try await Self.logProgress(h)
            let id = try await h.insert(ProgressJob.jobType, #"{"steps": 4, "step_ms": 20, "fail_after": 3}"#)
            // A worker that stays up picks up the retry 50 ms later.
            let worker = h.background(Self.registry(), h.configuration(exitWhenIdle: false, retryBase: .milliseconds(50)))
            try await withTeardown(await stopAndWait(worker)) { () async throws in
                #expect(try await eventually(timeout: .seconds(30)) { try await h.state(id) == "done" })
            }

            let row = try await h.job(id)
            #expect(row["attempts"] == "2")
            // Attempt 2 read its row at its start: the claim had cleared attempt 1's progress.
            #expect(row["result_text"] == #"{"progress_at_start": "NULL"}"#)
            let writes = try await Self.logged(h, job: id)
            let first = writes.filter { $0.attempt == 1 }
            // Attempt 1 threw 3 steps in (about 60 ms): one leading write and the
            // flush of its last value, before the retry was written.
            #expect(first.last?.progress == JobProgress(done: 3, total: 4, phase: "steps"))
            #expect(writes.last?.attempt == 2)
            #expect(writes.last?.progress == JobProgress(done: 4, total: 4, phase: "steps"))
        }
    }

    @Test("writes are guarded on state, worker and attempt; a burst is coalesced")
    func guardedAndCoalesced() async throws {
        let h = try await WorkerHarness.make("progressguard")
        let pool = h.db.pool(size: 2)
        try await withTeardown(await h.finish()) { () async throws in
            try await withTeardown(await pool.close()) { () async throws in
                let id = try await h.insert(
                    "test.progress", "{}", extra: "state, locked_by, attempts, locked_until",
                    values: "'running', 'me', 1, now() + interval '1 minute'")
                let log = Logger(label: "progress-test")

                // Someone else's claim, or another attempt: nothing is written.
                for (worker, attempt) in [("someone-else", 1), ("me", 2)] {
                    let stranger = ProgressReporter(jobID: id, workerID: worker, attempt: attempt, database: pool, logger: log)
                    stranger.report(JobProgress(done: 1, total: 2))
                    await stranger.finish()
                    #expect(try await h.job(id)["progress"] == nil, "\(worker) attempt \(attempt) wrote the row")
                }

                // The owner: 100 reports in a burst are at most the leading write
                // (which takes the latest value when its task runs) and the final flush.
                let owner = ProgressReporter(jobID: id, workerID: "me", attempt: 1, database: pool, logger: log)
                for step in 1...100 { owner.report(JobProgress(done: step, total: 100, phase: "burst")) }
                await owner.finish()
                let writes = owner.writeCount
                #expect((1...2).contains(writes), "100 reports in a burst made \(writes) writes")
                #expect(JobProgress.decode(try await h.job(id)["progress"]) == JobProgress(done: 100, total: 100, phase: "burst"))
                owner.report(JobProgress(done: 1, total: 100))
                #expect(owner.writeCount == writes, "a report after finish() started a write")

                // A job that is no longer running (done, cancelled) keeps its value.
                try await h.connection.execute("UPDATE marketplace_job SET state = 'done' WHERE id = $1", [id])
                let late = ProgressReporter(jobID: id, workerID: "me", attempt: 1, database: pool, logger: log)
                late.report(JobProgress(done: 7))
                await late.finish()
                #expect(JobProgress.decode(try await h.job(id)["progress"])?.done == 100)
            }
        }
    }

    @Test("a progress write that fails is dropped; the report and the flush neither throw nor hang")
    func failedWriteIsHarmless() async throws {
        let h = try await WorkerHarness.make("progressfail")
        try await withTeardown(await h.finish()) { () async throws in
            let unreachable = PostgresPool(
                configuration: PostgresConfiguration(
                    connectionString: h.db.url + "_missing", applicationName: "tests"),
                maxConnections: 1)
            let reporter = ProgressReporter(
                jobID: 1, workerID: "me", attempt: 1, database: unreachable, logger: Logger(label: "progress-test"))
            reporter.report(JobProgress(done: 1))
            reporter.report(JobProgress(done: 2))
            await reporter.finish()
            // Both reports were tried (one write, or the leading write and the flush) and dropped.
            #expect((1...2).contains(reporter.writeCount))
            await unreachable.close()
        }
    }

    @Test("the database refuses malformed progress and takes every well-formed shape")
    func columnShape() async throws {
        let h = try await WorkerHarness.make("progressshape")
        try await withTeardown(await h.finish()) { () async throws in
            let id = try await h.insert("test.progress")
            for bad in [#"[1, 2]"#, #""half""#, #"{"done": -1}"#, #"{"done": 1.5}"#, #"{"total": "20"}"#, #"{"phase": 3}"#] {
                do {
                    try await h.connection.execute(
                        "UPDATE marketplace_job SET progress = $2::jsonb WHERE id = $1", [id, PostgresJSON(text: bad)])
                    Issue.record("the database accepted progress \(bad)")
                } catch let error as PostgresError {
                    #expect(error.sqlState == PostgresServerError.checkViolation, "\(bad): \(error)")
                }
            }
            for good in [#"{}"#, #"{"done": 3}"#, #"{"done": 3, "total": 20, "phase": "pages"}"#, #"{"phase": "IN_QUEUE"}"#] {
                try await h.connection.execute(
                    "UPDATE marketplace_job SET progress = $2::jsonb WHERE id = $1", [id, PostgresJSON(text: good)])
            }
            #expect(JobProgress.decode(try await h.job(id)["progress"]) == JobProgress(phase: "IN_QUEUE"))
        }
    }
}
