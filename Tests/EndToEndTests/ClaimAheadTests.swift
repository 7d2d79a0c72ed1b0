import Foundation
import Postgres
import TestSupport
import Testing

/// Claim-ahead (`--prefetch`): jobs claimed beyond the free slots wait in the
/// worker's buffer, holding a lease, until a slot frees up.
@Suite("Claim-ahead", .serialized)
struct ClaimAheadTests {
    private static let heldByWorker = "SELECT count(*) AS n FROM marketplace_job WHERE state = 'running' AND locked_by = $1"
    private static let buffered = """
        SELECT count(*) AS n FROM marketplace_job WHERE state = 'running' AND locked_by = $1 AND started_at IS NULL
        """

    @Test("SIGTERM releases every buffered job unstarted, with attempts as before the claim")
    func sigtermReleasesBufferedJobs() async throws {
        let h = try await EndToEndHarness.make("prefetchterm")
        // Long enough that the two running jobs are still running at the SIGTERM.
        try await h.insertRecordJobs(12, sleepMilliseconds: 5000)
        let worker = try h.worker(["--concurrency", "2", "--prefetch", "10", "--shutdown-grace", "20", "--worker-id", "w"])
        try await withTeardown(await h.finish([worker])) { () async throws in
            #expect(try await eventually { try await h.count(Self.heldByWorker, ["w"]) == 12 }, "\(worker.output.suffix(2000))")
            // The 10 beyond the two slots are claimed (attempt 1, leased) but not started.
            #expect(try await eventually { try await h.count(Self.buffered, ["w"]) == 10 })
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE attempts = 1") == 12)
            worker.signal(SIGTERM)
            #expect(await worker.waitForExit(timeout: .seconds(30)) == 0, "\(worker.output.suffix(2000))")
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done' AND attempts = 1") == 2)
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM marketplace_job
                     WHERE state = 'pending' AND attempts = 0 AND locked_by IS NULL AND locked_until IS NULL
                       AND started_at IS NULL AND next_run_at <= now() AND errors = '[]'
                    """) == 10)
            #expect(try await h.count("SELECT count(*) AS n FROM test_execution") == 2)
            #expect(worker.output.contains("released_unstarted=10"))
        }
    }

    @Test("kill -9 with a full buffer loses no job: once the leases expire, another worker runs every one")
    func killWithFullBufferLosesNothing() async throws {
        let h = try await EndToEndHarness.make("prefetchkill")
        try await h.insertRecordJobs(12, sleepMilliseconds: 20_000)
        let victim = try h.worker(["--concurrency", "2", "--prefetch", "10", "--lease", "5", "--worker-id", "victim"])
        try await withTeardown(await h.finish([victim])) { () async throws in
            #expect(
                try await eventually { try await h.count(Self.heldByWorker, ["victim"]) == 12 }, "\(victim.output.suffix(2000))")
            // Past a lease: the buffered jobs' leases were renewed, not left to run out.
            try await Task.sleep(for: .seconds(6))
            #expect(try await h.count(Self.heldByWorker, ["victim"]) == 12)
            #expect(try await h.count(Self.buffered, ["victim"]) == 10)
            victim.signal(SIGKILL)
            _ = await victim.waitForExit()
            try await h.connection.execute("UPDATE marketplace_job SET payload = '{\"sleep_ms\": 10}'")
            let survivor = try h.worker(["--concurrency", "4", "--lease", "30", "--worker-id", "survivor"])
            defer { survivor.terminateIfRunning() }
            #expect(
                try await eventually(timeout: .seconds(60)) {
                    try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'") == 12
                }, "\(survivor.output.suffix(2000))")
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM marketplace_job WHERE attempts = 2 AND errors::text LIKE '%lease expired: worker victim%'
                    """) == 12)
            #expect(try await h.count("SELECT count(DISTINCT job_id) AS n FROM test_execution") == 12)
            survivor.signal(SIGTERM)
            #expect(await survivor.waitForExit(timeout: .seconds(30)) == 0)
        }
    }

    @Test("jobctl cancel on a buffered job: it never starts, and the worker goes on")
    func cancelledBufferedJobNeverStarts() async throws {
        let h = try await EndToEndHarness.make("prefetchcancel")
        try await h.insertRecordJobs(1, sleepMilliseconds: 3000)
        let target = try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_job (job_type, payload, priority) VALUES ('test.record', '{}', 1) RETURNING id
                """
            ).first
        ).decode(Int64.self, "id")
        let worker = try h.worker(["--concurrency", "1", "--prefetch", "5", "--worker-id", "w"])
        try await withTeardown(await h.finish([worker])) { () async throws in
            #expect(try await eventually { try await h.count(Self.buffered, ["w"]) == 1 }, "\(worker.output.suffix(2000))")
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE id = $1 AND state = 'running' AND started_at IS NULL",
                    [target]) == 1)
            let cancel = try await h.jobctl(["cancel", String(target)])
            #expect(cancel.status == 0, "\(cancel.output)")
            #expect(
                try await eventually { try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'") == 1 })
            try await h.insertRecordJobs(1)
            #expect(
                try await eventually { try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'") == 2 })
            #expect(try await h.count("SELECT count(*) AS n FROM test_execution WHERE job_id = $1", [target]) == 0)
            #expect(
                try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE id = $1 AND state = 'cancelled'", [target])
                    == 1)
            #expect(worker.output.contains("buffered job cancelled by operator"))
            worker.signal(SIGTERM)
            #expect(await worker.waitForExit(timeout: .seconds(30)) == 0)
        }
    }
}
