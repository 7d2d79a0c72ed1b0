import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

@Suite("Claim order, waking, cancelling, leases")
struct SchedulingTests {
    @Test("jobs run by priority (lower first), then next_run_at, then id")
    func claimOrder() async throws {
        let h = try await WorkerHarness.make("order")
        try await withTeardown(await h.finish()) {
            let recorder = Recorder()
            let late = try await h.insert("test.order", extra: "priority, next_run_at", values: "0, now() - interval '1 minute'")
            let early = try await h.insert("test.order", extra: "priority, next_run_at", values: "0, now() - interval '1 hour'")
            let low = try await h.insert("test.order", extra: "priority", values: "5")
            let urgent = try await h.insert("test.order", extra: "priority", values: "-1")
            let sameTime = try await h.connection.query(
                """
                INSERT INTO marketplace_job (job_type, priority, next_run_at)
                SELECT 'test.order', 2, '2020-01-01' FROM generate_series(1, 2) RETURNING id
                """
            ).rows.map { try $0.decode(Int64.self, "id") }
            let future = try await h.insert("test.order", extra: "next_run_at", values: "now() + interval '1 day'")
            // One claim at a time, so the claim order is the run order: with
            // claim-ahead, two single-row claims in flight on the two lanes may
            // take neighbouring jobs in either order (see README, "Not guaranteed").
            var configuration = h.configuration(concurrency: 1, claimBatch: 1)
            configuration.prefetch = 0
            try await h.drain(testRegistry(recorder), configuration)
            #expect(recorder.order == [urgent, early, late] + sameTime + [low])
            #expect(try await h.state(future) == "pending")
        }
    }

    @Test("run-now on a job scheduled next week starts it at once on an idle worker (NOTIFY, not the poll)")
    func runNowWakesIdleWorker() async throws {
        let h = try await WorkerHarness.make("runnow")
        try await withTeardown(await h.finish()) {
            let id = try await h.insert("system.noop", extra: "next_run_at", values: "now() + interval '7 days'")
            // A 60 s poll: only the NOTIFY can make it start in time.
            let worker = h.background(testRegistry(), h.configuration(exitWhenIdle: false, poll: .seconds(60)))
            try await withTeardown(await stopAndWait(worker)) {
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await h.state(id) == "pending")
                let admin = JobAdmin(connection: try await h.db.connect())
                let asked = Date()
                try await admin.runNow(id: id)
                #expect(try await eventually(timeout: .seconds(30)) { try await h.state(id) == "done" })
                let started = try #require(try await h.job(id).decode(Date?.self, "started_at"))
                // Far below the 60 s poll, so only the NOTIFY can explain it; the bound
                // is loose because a loaded CI machine can take over a second to
                // schedule the worker (latency is measured by bench/run, not here).
                #expect(started.timeIntervalSince(asked) < 20)
                // Refusals: running is refused (tested end to end), done needs --again, missing id is not found.
                await #expect(throws: JobAdminError.self) { try await admin.runNow(id: id) }
                await #expect(throws: JobAdminError.self) { try await admin.runNow(id: 9_999_999) }
                try await admin.runNow(id: id, again: true)
                #expect(try await eventually(timeout: .seconds(30)) { try await h.state(id) == "done" })
            }
        }
    }

    @Test("cancelling a running job stops its handler, and the worker goes on")
    func cancelRunningJob() async throws {
        let h = try await WorkerHarness.make("cancel")
        try await withTeardown(await h.finish()) {
            let recorder = Recorder()
            let slow = try await h.insert("test.slow", #"{"ms": 30000}"#)
            let worker = h.background(testRegistry(recorder), h.configuration(exitWhenIdle: false))
            try await withTeardown(await stopAndWait(worker)) {
                #expect(try await eventually { recorder.startedIDs.contains(slow) })
                let admin = JobAdmin(connection: try await h.db.connect())
                #expect(try await admin.cancel(id: slow) == .running)
                #expect(try await eventually(timeout: .seconds(25)) { recorder.cancelledIDs.contains(slow) })
                let next = try await h.insert("system.noop")
                #expect(try await eventually { try await h.state(next) == "done" })
                let row = try await h.job(slow)
                #expect(row["state"] == "cancelled")
                #expect(row["error"] == "cancelled by operator")
                await #expect(throws: JobAdminError.self) { try await admin.cancel(id: slow) }
            }
        }
    }

    @Test("expired leases of a dead worker are rescued: requeued, or failed when attempts are spent")
    func leaseRescue() async throws {
        let h = try await WorkerHarness.make("rescue")
        try await withTeardown(await h.finish()) {
            let orphan = try await h.insert(
                "system.noop", extra: "state, attempts, locked_by, locked_until, started_at",
                values: "'running', 1, 'dead-host:1', now() - interval '1 minute', now() - interval '2 minutes'")
            let spent = try await h.insert(
                "system.noop", extra: "state, attempts, max_attempts, locked_by, locked_until",
                values: "'running', 2, 2, 'dead-host:1', now() - interval '1 minute'")
            let alive = try await h.insert(
                "system.noop", extra: "state, attempts, locked_by, locked_until",
                values: "'running', 1, 'busy-host:2', now() + interval '1 hour'")
            let worker = h.background(testRegistry(), h.configuration(exitWhenIdle: false))
            try await withTeardown(await stopAndWait(worker)) {
                #expect(try await eventually { try await h.state(orphan) == "done" })
                let rescued = try await h.job(orphan)
                #expect(rescued["attempts"] == "2")
                #expect(
                    rescued["errors_text"]?.contains(
                        "lease expired: worker dead-host:1 stopped renewing it during attempt 1 of 5") == true)
                #expect(try await eventually { try await h.state(spent) == "failed" })
                #expect(try await h.job(spent)["error"]?.contains("lease expired") == true)
                #expect(try await h.state(alive) == "running", "a live lease is left alone")
            }
        }
    }
}
