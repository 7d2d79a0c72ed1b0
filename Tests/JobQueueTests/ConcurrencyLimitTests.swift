import Foundation
import Postgres
import TestSupport
import Testing

@testable import JobQueue

/// Concurrency limits (migration 0009) in the claim statement and the slot
/// triggers, against a real PostgreSQL: what many claimers racing for one key
/// get, which transitions free a slot, and how limits reach jobs.
@Suite("Concurrency limits")
struct ConcurrencyLimitTests {
    static let heldSlots = "SELECT count(*) AS n FROM marketplace_concurrency_slot WHERE job_id IS NOT NULL"

    static func account(_ h: WorkerHarness, _ name: String = "limited") async throws -> Int64 {
        try #require(
            try await h.connection.query(
                "INSERT INTO marketplace_account (name, marketplace) VALUES ($1, 'test') RETURNING id", [name]
            ).first
        ).decode(Int64.self, "id")
    }

    static func claim(_ h: WorkerHarness, on connection: PostgresConnection, limit: Int = 10, worker: String = "w")
        async throws -> [Int64]
    {
        let statement = JobStore(workerID: worker, leaseSeconds: 30).claimStatement(limit: limit, types: nil)
        return try await connection.query(statement.sql, statement.parameters).rows.map { try $0.decode(Int64.self, "id") }
    }

    @Test("20 sessions claiming at once for one key take exactly its limit (1, then 3), and unlimited jobs still flow")
    func racingClaimsRespectTheLimit() async throws {
        let h = try await WorkerHarness.make("limitrace")
        try await withTeardown(await h.finish()) { () async throws in
            let account = try await Self.account(h)
            for max in [1, 3] {
                try await h.connection.execute("DELETE FROM marketplace_job")
                try await h.connection.execute("SELECT marketplace_job_type_limit_set('test.limited', $1::int)", [max])
                try await h.connection.execute(
                    """
                    INSERT INTO marketplace_job (job_type, account_id) SELECT 'test.limited', $1 FROM generate_series(1, 50)
                    """, [account])
                try await h.connection.execute(
                    "INSERT INTO marketplace_job (job_type) SELECT 'system.noop' FROM generate_series(1, 40)")
                let connections = try await withThrowingTaskGroup(of: PostgresConnection.self) { group in
                    for _ in 0..<20 { group.addTask { try await h.db.connect() } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                var claimed: [Int64] = []
                try await withTeardown(await { for c in connections { await c.close() } }()) { () async throws in
                    claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                        for (index, connection) in connections.enumerated() {
                            group.addTask { try await Self.claim(h, on: connection, limit: 5, worker: "w\(index)") }
                        }
                        return try await group.reduce(into: []) { $0 += $1 }
                    }
                }
                #expect(Set(claimed).count == claimed.count, "a job was claimed twice")
                let running = try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.limited' AND state = 'running'")
                #expect(running == max, "limit \(max): \(running) running")
                #expect(try await h.count(Self.heldSlots) == max)
                // The skipped jobs of the key were not claimed, so they spent nothing.
                #expect(
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.limited' AND state = 'pending' AND attempts = 0"
                    ) == 50 - max)
                // A racing claim may lock unlimited rows it then leaves (its LIMIT keeps the best);
                // claims one after another pick those up, and still take nothing more of the key.
                while try await !Self.claim(h, on: h.connection, limit: 100).isEmpty {}
                #expect(
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'system.noop' AND state = 'running'")
                        == 40)
                #expect(
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.limited' AND state = 'running'") == max)
                try await h.connection.execute("UPDATE marketplace_job SET state = 'done' WHERE state = 'running'")
                #expect(try await h.count(Self.heldSlots) == 0)
            }
        }
    }

    @Test("every way out of running frees the slot: done, retry, snooze, release, rescue, cancel, delete, truncate")
    func everyExitFreesTheSlot() async throws {
        let h = try await WorkerHarness.make("limitexits")
        try await withTeardown(await h.finish()) { () async throws in
            let account = try await Self.account(h)
            try await h.connection.execute("SELECT marketplace_job_type_limit_set('test.limited', 1)")
            try await h.connection.execute(
                "INSERT INTO marketplace_job (job_type, account_id) SELECT 'test.limited', $1 FROM generate_series(1, 10)",
                [account])
            let store = JobStore(workerID: "w", leaseSeconds: 30)
            let exits: [(String, (Int64) async throws -> Void)] = [
                (
                    "done",
                    { id in
                        let s = store.completeStatement([.init(jobID: id, attempt: 1, completion: .done(result: Data("{}".utf8)))]
                        )
                        try await h.connection.execute(s.sql, s.parameters)
                    }
                ),
                (
                    "retry",
                    { id in
                        let s = store.completeStatement([
                            .init(jobID: id, attempt: 1, completion: .retry(error: "x", at: Date().addingTimeInterval(3600)))
                        ])
                        try await h.connection.execute(s.sql, s.parameters)
                    }
                ),
                (
                    "snooze",
                    { id in
                        let s = store.completeStatement([
                            .init(jobID: id, attempt: 1, completion: .snooze(note: "429", until: Date().addingTimeInterval(3600)))
                        ])
                        try await h.connection.execute(s.sql, s.parameters)
                    }
                ),
                (
                    "release",
                    { id in
                        // Released jobs are due at once: push this one back so the next claim takes another.
                        let s = store.completeStatement([.init(jobID: id, attempt: 1, completion: .release)])
                        try await h.connection.execute(s.sql, s.parameters)
                        try await h.connection.execute(
                            "UPDATE marketplace_job SET next_run_at = now() + interval '1 hour' WHERE id = $1", [id])
                    }
                ),
                (
                    "rescue",
                    { id in
                        try await h.connection.execute(
                            "UPDATE marketplace_job SET locked_until = now() - interval '1 second' WHERE id = $1", [id])
                        _ = try await store.rescueExpired(on: h.connection)
                        try await h.connection.execute(
                            "UPDATE marketplace_job SET next_run_at = now() + interval '1 hour' WHERE id = $1", [id])
                    }
                ),
                ("cancel", { id in try await h.connection.execute("SELECT marketplace_job_cancel(ARRAY[$1::bigint])", [id]) }),
                ("delete", { id in try await h.connection.execute("DELETE FROM marketplace_job WHERE id = $1", [id]) }),
            ]
            for (name, exit) in exits {
                let claimed = try await Self.claim(h, on: h.connection)
                #expect(claimed.count == 1, "\(name): claimed \(claimed)")
                #expect(try await h.count(Self.heldSlots) == 1, "\(name)")
                // The slot is taken: another claim gets nothing.
                #expect(try await Self.claim(h, on: h.connection).isEmpty, "\(name)")
                try await exit(try #require(claimed.first))
                #expect(try await h.count(Self.heldSlots) == 0, "\(name) did not free the slot")
            }
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE state = 'pending' AND attempts = 0 AND next_run_at <= now()")
                    == 3)
            // TRUNCATE fires no row trigger; its statement trigger frees every slot.
            #expect(try await Self.claim(h, on: h.connection).count == 1)
            try await h.connection.execute("TRUNCATE marketplace_job")
            #expect(try await h.count(Self.heldSlots) == 0)
        }
    }

    @Test("a plain INSERT gets its key from the trigger; a limit declared later re-keys pending jobs; limit 2 fills 2 slots")
    func keysAndLimitChanges() async throws {
        let h = try await WorkerHarness.make("limitkeys")
        try await withTeardown(await h.finish()) { () async throws in
            let account = try await Self.account(h)
            let before = try await h.insert("test.limited", extra: "account_id", values: "\(account)")
            #expect(try await h.job(before)["concurrency_key"] == nil)
            let changed = try await JobStore.registerLimits([LimitedJob.jobType: .perAccount(1)], on: h.connection)
            #expect(changed == 1)
            #expect(try await h.job(before)["concurrency_key"] == "test.limited:\(account)")
            // Registering the same limit again changes nothing.
            #expect(try await JobStore.registerLimits([LimitedJob.jobType: .perAccount(1)], on: h.connection) == 0)
            let after = try await h.insert("test.limited", extra: "account_id, concurrency_key", values: "\(account), 'forged'")
            #expect(try await h.job(after)["concurrency_key"] == "test.limited:\(account)")
            let unlimited = try await h.insert("system.noop", extra: "account_id", values: "\(account)")
            #expect(try await h.job(unlimited)["concurrency_key"] == nil)

            #expect(try await JobStore.registerLimits([LimitedJob.jobType: .perAccount(2)], on: h.connection) == 1)
            try await h.insert("test.limited", extra: "account_id", values: "\(account)")
            let claimed = try await Self.claim(h, on: h.connection)
            #expect(claimed.count == 3, "two of the key and the unlimited one: \(claimed)")
            #expect(try await h.count(Self.heldSlots) == 2)

            #expect(try await JobStore.registerLimits([LimitedJob.jobType: .global(1)], on: h.connection) == 1)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE concurrency_key = 'test.limited'") == 1)
            try await h.connection.execute("SELECT marketplace_job_type_limit_drop('test.limited')")
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE state = 'pending' AND concurrency_key IS NOT NULL") == 0)
            // The two running jobs keep their slots until they stop.
            #expect(try await h.count(Self.heldSlots) == 2)
            #expect(try await Self.claim(h, on: h.connection).count == 1)
        }
    }

    @Test("a worker with an account held at its limit runs every other account's jobs; the waiting ones spend no attempt")
    func blockedKeyDoesNotStarveOthers() async throws {
        let h = try await WorkerHarness.make("limitstarve")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.connection.execute("CREATE TABLE test_gate (opened_at timestamptz DEFAULT now())")
            let busy = try await Self.account(h, "busy")
            let other = try await Self.account(h, "other")
            // The busy account's held job first in claim order, then 30 more of it, then the other account's 20.
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, account_id, payload, priority) VALUES ('test.limited', $1::bigint, '{"hold": true}', -1)
                """, [busy])
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, account_id, payload)
                SELECT 'test.limited', $1::bigint, '{}'::jsonb FROM generate_series(1, 30)
                UNION ALL SELECT 'test.limited', $2::bigint, '{"sleep_ms": 10}' FROM generate_series(1, 20)
                """, [busy, other])
            var registry = HandlerRegistry()
            registry.register(LimitedJob())
            let worker = h.background(registry, h.configuration(concurrency: 4, exitWhenIdle: false))
            try await withTeardown(await stopAndWait(worker)) { () async throws in
                let othersDone = try await eventually {
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE account_id = $1 AND state = 'done'", [other]) == 20
                }
                #expect(othersDone)
                #expect(
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE account_id = $1 AND state = 'running'", [busy]) == 1)
                #expect(
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE account_id = $1 AND state = 'pending' AND attempts = 0",
                        [busy]) == 30)
                try await h.connection.execute("INSERT INTO test_gate DEFAULT VALUES")
                let allDone = try await eventually {
                    try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'") == 51
                }
                #expect(allDone)
                #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE attempts = 1") == 51)
                #expect(
                    try await h.count(
                        """
                        SELECT count(*) AS n FROM marketplace_job a JOIN marketplace_job b ON a.account_id = b.account_id AND a.id < b.id
                         WHERE a.started_at < b.finished_at AND b.started_at < a.finished_at
                        """) == 0)
            }
        }
    }
}
