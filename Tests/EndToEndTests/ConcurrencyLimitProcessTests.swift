import Foundation
import Postgres
import TestSupport
import Testing

/// Per-account concurrency limits (issue 10, migration 0009) across real
/// `worker run` processes: the database is the only thing they share. Every
/// assertion reads what the system recorded (`started_at`, `finished_at`,
/// attempts, the slot table), never wall-clock arithmetic.
@Suite("Concurrency limits across processes", .serialized)
struct ConcurrencyLimitProcessTests {
    /// Pairs of jobs of one account whose runs overlap. A job's slot is freed
    /// by its completion write, whose `finished_at` is that transaction's
    /// start; the next job of the key is claimed after the commit and its
    /// handler starts later still, so under the limit no pair can overlap.
    static let sameAccountOverlaps = """
        SELECT count(*) AS n FROM marketplace_job a JOIN marketplace_job b ON a.account_id = b.account_id AND a.id < b.id
         WHERE a.job_type = 'test.limited' AND b.job_type = 'test.limited'
           AND a.started_at < b.finished_at AND b.started_at < a.finished_at
        """
    static let crossAccountOverlaps = """
        SELECT count(*) AS n FROM marketplace_job a JOIN marketplace_job b ON a.account_id < b.account_id
         WHERE a.job_type = 'test.limited' AND b.job_type = 'test.limited'
           AND a.started_at < b.finished_at AND b.started_at < a.finished_at
        """

    static func accounts(_ h: EndToEndHarness, _ count: Int) async throws -> [Int64] {
        try await h.connection.query(
            """
            INSERT INTO marketplace_account (name, marketplace) SELECT 'limit-' || g, 'test' FROM generate_series(1, $1::int) g
            RETURNING id
            """, [count]
        ).rows.map { try $0.decode(Int64.self, "id") }
    }

    @Test(
        "limit 1 per account, two accounts × 20 jobs, two worker processes with claim-ahead: never two at once for one account, while the other account keeps running"
    )
    func twoAccountsTwoProcesses() async throws {
        let h = try await EndToEndHarness.make("limit2x20")
        let accounts = try await Self.accounts(h, 2)
        // One statement, so the first claim of either worker sees both accounts' jobs.
        try await h.connection.execute(
            """
            INSERT INTO marketplace_job (job_type, account_id, payload)
            SELECT 'test.limited', a, '{"sleep_ms": 150}' FROM unnest($1::bigint[]) a, generate_series(1, 20)
            """, ["{\(accounts.map(String.init).joined(separator: ","))}"])
        let workers = try ["a", "b"].map {
            try h.worker(["--concurrency", "4", "--prefetch", "4", "--worker-id", "limit-\($0)"])
        }
        try await withTeardown(await h.finish(workers)) { () async throws in
            let drained = try await eventually(timeout: .seconds(120)) {
                try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'") == 40
            }
            #expect(drained, "\(workers.map { $0.output.suffix(1500) })")
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE started_at IS NULL") == 0)
            #expect(try await h.count(Self.sameAccountOverlaps) == 0)
            // The other account was not held back: its runs overlapped the first's.
            #expect(try await h.count(Self.crossAccountOverlaps) > 0)
            // Being skipped while the account was busy spent nothing.
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE attempts = 1 AND errors = '[]'") == 40)
            #expect(try await h.count("SELECT count(DISTINCT job_id) AS n FROM test_execution") == 40)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_concurrency_slot WHERE job_id IS NOT NULL") == 0)
            for worker in workers { worker.signal(SIGTERM) }
            for worker in workers { #expect(await worker.waitForExit(timeout: .seconds(30)) == 0) }
        }
    }

    @Test("kill -9 of the worker running an account's job: the lease rescue frees its slot, and another worker runs the rest")
    func killedWorkersSlotIsFreed() async throws {
        let h = try await EndToEndHarness.make("limitkill")
        try await h.connection.execute("CREATE TABLE test_gate (opened_at timestamptz DEFAULT now())")
        let account = try #require(try await Self.accounts(h, 1).first)
        let held = try #require(
            try await h.connection.query(
                "INSERT INTO marketplace_job (job_type, account_id, payload) VALUES ('test.limited', $1::bigint, '{\"hold\": true}') RETURNING id",
                [account]
            ).first
        ).decode(Int64.self, "id")
        let victim = try h.worker(["--concurrency", "4", "--lease", "5", "--worker-id", "victim"])
        try await withTeardown(await h.finish([victim])) { () async throws in
            let started = try await eventually {
                try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE id = $1 AND state = 'running' AND locked_by = 'victim'",
                    [held])
                    == 1
            }
            #expect(started, "\(victim.output.suffix(2000))")
            // Five more of the account, then one unlimited job behind them in claim order: once the
            // victim has run that one, a claim with free handler slots has seen the five and skipped them.
            let probe = try #require(
                try await h.connection.query(
                    """
                    WITH limited AS (
                        INSERT INTO marketplace_job (job_type, account_id, payload)
                        SELECT 'test.limited', $1::bigint, '{}' FROM generate_series(1, 5)
                    )
                    INSERT INTO marketplace_job (job_type, payload, next_run_at) VALUES ('test.record', '{}', now() + interval '1 ms')
                    RETURNING id
                    """, [account]
                ).first
            ).decode(Int64.self, "id")
            let probed = try await eventually {
                try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE id = $1 AND state = 'done'", [probe]) == 1
            }
            #expect(probed, "\(victim.output.suffix(2000))")
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.limited' AND state = 'pending' AND attempts = 0"
                ) == 5)
            victim.signal(SIGKILL)
            _ = await victim.waitForExit()
            try await h.connection.execute("INSERT INTO test_gate DEFAULT VALUES")
            let survivor = try h.worker(["--concurrency", "4", "--lease", "30", "--worker-id", "survivor"])
            defer { survivor.terminateIfRunning() }
            let drained = try await eventually(timeout: .seconds(90)) {
                try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'") == 7
            }
            #expect(drained, "\(survivor.output.suffix(2000))")
            // The crashed attempt stays spent; the five that waited behind it spent one each.
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE id = $1 AND attempts = 2 AND errors::text LIKE '%lease expired: worker victim%'",
                    [held]) == 1)
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.limited' AND id <> $1 AND attempts = 1",
                    [held]) == 5)
            #expect(try await h.count(Self.sameAccountOverlaps) == 0)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_concurrency_slot WHERE job_id IS NOT NULL") == 0)
            survivor.signal(SIGTERM)
            #expect(await survivor.waitForExit(timeout: .seconds(30)) == 0)
        }
    }
}
