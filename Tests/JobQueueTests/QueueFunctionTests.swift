import Foundation
import Postgres
import TestSupport
import Testing

@testable import JobQueue

/// The functions of migration 0004, called as the ERP or an operator would,
/// in SQL, and through the worker's batched completion statement.
@Suite("Queue functions (migration 0004)")
struct QueueFunctionTests {
    @Test("marketplace_job_cancel: pending and running → cancelled, others untouched, a NOTIFY per running job")
    func cancel() async throws {
        let h = try await WorkerHarness.make("fncancel")
        try await withTeardown(await h.finish()) {
            let pending = try await h.insert("system.noop")
            let running = try await h.insert(
                "system.noop", extra: "state, attempts, locked_by, locked_until",
                values: "'running', 1, 'w:1', now() + interval '1 minute'")
            let done = try await h.insert("system.noop", extra: "state, finished_at", values: "'done', now()")
            let listener = PostgresListener(configuration: h.db.configuration, channels: [Worker.cancelChannel])
            listener.start()
            defer { listener.stop() }
            var events = listener.events.makeAsyncIterator()
            #expect(await events.next() == .connected)

            let rows = try await h.connection.query(
                "SELECT id, previous_state FROM marketplace_job_cancel($1::bigint[], 'no longer wanted')",
                [[pending, running, done]]
            ).rows
            #expect(try rows.map { try $0.decode(Int64.self, "id") } == [pending, running])
            #expect(rows.map { $0["previous_state"] } == ["pending", "running"])
            for id in [pending, running] {
                let row = try await h.job(id)
                #expect(row["state"] == "cancelled" && row["error"] == "no longer wanted")
                #expect(row["finished_at"] != nil && row["locked_by"] == nil && row["locked_until"] == nil)
            }
            #expect(try await h.state(done) == "done")
            // One notification, naming the running job only.
            #expect(await events.next() == .notification(channel: Worker.cancelChannel, payload: String(running)))
            try await h.connection.execute("SELECT pg_notify($1, 'marker')", [Worker.cancelChannel])
            #expect(await events.next() == .notification(channel: Worker.cancelChannel, payload: "marker"))
            // Cancelling again changes nothing.
            #expect(
                try await h.connection.query("SELECT * FROM marketplace_job_cancel(ARRAY[$1::bigint])", [pending]).rows.isEmpty)
        }
    }

    @Test("marketplace_job_superseded: a pending holder covers a job; in one call the newest of a key covers the older")
    func superseded() async throws {
        let h = try await WorkerHarness.make("fnsupersede")
        try await withTeardown(await h.finish()) {
            let running = "'running', 1, 'w:1', now() + interval '1 minute'"
            let columns = "unique_key, state, attempts, locked_by, locked_until"
            let covered = try await h.insert("system.noop", extra: columns, values: "'k1', " + running)
            let holder = try await h.insert("system.noop", extra: "unique_key", values: "'k1'")
            let older = try await h.insert("system.noop", extra: columns, values: "'k2', " + running)
            let newer = try await h.insert("system.noop", extra: columns, values: "'k2', " + running)
            let alone = try await h.insert("system.noop", extra: columns, values: "'k3', " + running)
            let noKey = try await h.insert("system.noop", extra: "state, attempts", values: "'running', 1")
            let live = try await h.insert("system.noop", extra: columns, values: "'k4', " + running)
            let cancelledNewer = try await h.insert("system.noop", extra: "unique_key, state", values: "'k4', 'cancelled'")
            let rows = try await h.connection.query(
                "SELECT id, superseded_by FROM marketplace_job_superseded($1::bigint[]) ORDER BY id",
                [[covered, older, newer, alone, noKey, live, cancelledNewer]]
            ).rows
            let pairs = try rows.map { [try $0.decode(Int64.self, "id"), try $0.decode(Int64.self, "superseded_by")] }
            #expect(pairs == [[covered, holder], [older, newer]])
        }
    }

    @Test("one completion batch with two retries of the same key: the newer goes back to pending, the older is superseded")
    func batchedRetriesOfOneKey() async throws {
        let h = try await WorkerHarness.make("fnbatch")
        try await withTeardown(await h.finish()) {
            let columns = "unique_key, state, attempts, locked_by, locked_until"
            let values = "'price:1', 'running', 1, 'w:1', now() + interval '1 minute'"
            let older = try await h.insert("system.noop", extra: columns, values: values)
            let newer = try await h.insert("system.noop", extra: columns, values: values)
            let done = try await h.insert("system.noop", extra: "state, attempts, locked_by", values: "'running', 1, 'w:1'")
            let store = JobStore(workerID: "w:1", leaseSeconds: 30)
            let later = Date().addingTimeInterval(60)
            let statement = store.completeStatement([
                CompletionRecord(jobID: older, attempt: 1, completion: .retry(error: "boom", at: later)),
                CompletionRecord(jobID: newer, attempt: 1, completion: .retry(error: "boom", at: later)),
                CompletionRecord(jobID: done, attempt: 1, completion: .done(result: Data("{}".utf8))),
            ])
            #expect(try await h.connection.execute(statement.sql, statement.parameters) == 3)
            let olderRow = try await h.job(older)
            #expect(olderRow["state"] == "cancelled")
            #expect(olderRow["error"] == "superseded by job \(newer), which holds the same unique_key")
            #expect(olderRow["finished_at"] != nil && olderRow["history"] == "1")
            let newerRow = try await h.job(newer)
            #expect(newerRow["state"] == "pending" && newerRow["error"] == "boom" && newerRow["finished_at"] == nil)
            #expect(try await h.state(done) == "done")
        }
    }

    @Test("marketplace_job_run_now: refusals carry a SQLSTATE, success returns the previous state and wakes workers")
    func runNow() async throws {
        let h = try await WorkerHarness.make("fnrunnow")
        try await withTeardown(await h.finish()) {
            func sqlState(_ sql: String, _ parameters: [any PostgresBindable]) async -> String? {
                do {
                    try await h.connection.query(sql, parameters)
                    return nil
                } catch let error as PostgresError {
                    return error.sqlState
                } catch {
                    return "\(error)"
                }
            }
            let running = try await h.insert("system.noop", extra: "state, attempts, locked_by", values: "'running', 1, 'w:1'")
            let done = try await h.insert(
                "system.noop", extra: "state, finished_at, result", values: "'done', now(), '{\"n\": 1}'")
            let failed = try await h.insert(
                "system.noop", extra: "unique_key, state, finished_at", values: "'k', 'failed', now()")
            try await h.insert("system.noop", extra: "unique_key", values: "'k'")
            #expect(await sqlState("SELECT marketplace_job_run_now($1)", [Int64(9_999_999)]) == "P0002")
            #expect(await sqlState("SELECT marketplace_job_run_now($1)", [running]) == "55000")
            #expect(await sqlState("SELECT marketplace_job_run_now($1)", [done]) == "55000")
            #expect(await sqlState("SELECT marketplace_job_run_now($1)", [failed]) == PostgresServerError.uniqueViolation)

            let listener = PostgresListener(configuration: h.db.configuration, channels: [Worker.wakeChannel])
            listener.start()
            defer { listener.stop() }
            var events = listener.events.makeAsyncIterator()
            #expect(await events.next() == .connected)
            let previous = try await h.connection.query("SELECT marketplace_job_run_now($1, again => true) AS p", [done]).first?[
                "p"]
            #expect(previous == "done")
            let row = try await h.job(done)
            #expect(row["state"] == "pending" && row["result_text"] == nil && row["finished_at"] == nil)
            #expect(await events.next() == .notification(channel: Worker.wakeChannel, payload: ""))
            // Through JobAdmin, the same refusals become JobAdminErrors with the function's words.
            let admin = JobAdmin(connection: h.connection)
            do {
                try await admin.runNow(id: running)
                Issue.record("a running job was made pending")
            } catch let error as JobAdminError {
                #expect("\(error)".contains("is running on w:1 right now"))
            }
        }
    }
}
