import Foundation
import Postgres
import TestSupport
import Testing

/// The worker as operators run it: separate processes, signals, crashes.
@Suite("Worker processes", .serialized)
struct WorkerProcessTests {
    @Test("two worker processes drain 5,000 jobs inserted by SQL: each runs exactly once")
    func twoProcessesDrainExactlyOnce() async throws {
        let h = try await EndToEndHarness.make("drain")
        try await h.insertRecordJobs(5000)
        let a = try h.worker(["--concurrency", "8", "--exit-when-idle", "--worker-id", "a"])
        let b = try h.worker(["--concurrency", "8", "--exit-when-idle", "--worker-id", "b"])
        try await withTeardown(await h.finish([a, b])) { () async throws in
            #expect(await a.waitForExit(timeout: .seconds(120)) == 0, "\(a.output.suffix(2000))")
            #expect(await b.waitForExit(timeout: .seconds(120)) == 0, "\(b.output.suffix(2000))")
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'") == 5000)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state IN ('pending', 'running')") == 0)
            #expect(try await h.count("SELECT count(*) AS n FROM test_execution") == 5000)
            #expect(try await h.count("SELECT count(DISTINCT job_id) AS n FROM test_execution") == 5000)
        }
    }

    @Test("kill -9 of a worker with running jobs: after the lease expires another worker completes them")
    func killedWorkersJobsAreRescued() async throws {
        let h = try await EndToEndHarness.make("kill9")
        try await h.insertRecordJobs(4, sleepMilliseconds: 20_000)
        let victim = try h.worker(["--concurrency", "4", "--lease", "5", "--worker-id", "victim"])
        try await withTeardown(await h.finish([victim])) {
            #expect(
                try await eventually {
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE state = 'running' AND locked_by = 'victim'") == 4
                })
            victim.signal(SIGKILL)
            _ = await victim.waitForExit()
            // The survivor takes short jobs only after the rescue, so make the rescued ones quick.
            try await h.connection.execute("UPDATE marketplace_job SET payload = '{\"sleep_ms\": 10}'")
            let survivor = try h.worker(["--concurrency", "4", "--lease", "30", "--worker-id", "survivor"])
            defer { survivor.terminateIfRunning() }
            #expect(
                try await eventually(timeout: .seconds(60)) {
                    try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'") == 4
                }, "\(survivor.output.suffix(2000))")
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM marketplace_job WHERE attempts = 2 AND errors::text LIKE '%lease expired: worker victim%'
                    """) == 4)
            #expect(try await h.count("SELECT count(DISTINCT job_id) AS n FROM test_execution WHERE worker LIKE 'worker%'") == 4)
            survivor.signal(SIGTERM)
            #expect(await survivor.waitForExit(timeout: .seconds(30)) == 0)
        }
    }

    @Test("SIGTERM: running jobs finish, unclaimed jobs stay pending untouched, exit code 0")
    func sigtermFinishesRunningJobs() async throws {
        let h = try await EndToEndHarness.make("sigterm")
        // 4 s each: the lease keeper records `started_at` once a job has run
        // a second, and the SIGTERM must come while both are running.
        try await h.insertRecordJobs(2, sleepMilliseconds: 4000)
        let worker = try h.worker(["--concurrency", "2", "--shutdown-grace", "20"])
        try await withTeardown(await h.finish([worker])) {
            // Started, not only claimed: a claimed job still in the buffer is
            // released unstarted at the SIGTERM (ClaimAheadTests covers that).
            #expect(
                try await eventually {
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE state = 'running' AND started_at IS NOT NULL") == 2
                })
            try await h.insertRecordJobs(10)
            worker.signal(SIGTERM)
            #expect(await worker.waitForExit(timeout: .seconds(30)) == 0, "\(worker.output.suffix(2000))")
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'") == 2)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'pending' AND attempts = 0") == 10)
            #expect(worker.output.contains("shutting down"))
        }
    }

    @Test("SIGTERM past the grace period: unfinished jobs are cancelled and released without spending an attempt")
    func sigtermReleasesUnfinishedJobs() async throws {
        let h = try await EndToEndHarness.make("grace")
        try await h.insertRecordJobs(3, sleepMilliseconds: 60_000)
        let worker = try h.worker(["--concurrency", "3", "--shutdown-grace", "1"])
        try await withTeardown(await h.finish([worker])) { () async throws in
            #expect(
                try await eventually {
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE state = 'running' AND started_at IS NOT NULL") == 3
                })
            worker.signal(SIGTERM)
            #expect(await worker.waitForExit(timeout: .seconds(30)) == 0, "\(worker.output.suffix(2000))")
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM marketplace_job
                     WHERE state = 'pending' AND attempts = 0 AND locked_by IS NULL AND next_run_at <= now()
                    """) == 3)
            #expect(try await h.count("SELECT count(*) AS n FROM test_execution") == 0)
        }
    }
}
