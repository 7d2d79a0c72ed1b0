import Foundation
import JobQueue
import Postgres
import Synchronization
import TestSupport
import Testing

/// Retention: `system.prune_jobs` deletes old done and cancelled jobs in
/// batches, keeps failed ones, and never makes a claim wait.
@Suite("Retention")
struct PruneJobsTests {
    /// What the sampler saw: the longest heavyweight-lock wait of any other backend, and probe claim times.
    final class Observations: Sendable {
        private let state = Mutex<(maxLockWait: Double, waiters: [String], claims: [Double])>((0, [], []))
        private let other = Mutex<(longest: Double, what: String)>((0, ""))
        func anyWait(_ seconds: Double, _ what: String) {
            other.withLock { if seconds > $0.longest { $0 = (seconds, what) } }
        }
        var longestAnyWait: (longest: Double, what: String) { other.withLock { $0 } }
        private let stopped = Mutex(false)
        func stop() { stopped.withLock { $0 = true } }
        var isStopped: Bool { stopped.withLock { $0 } }
        func lockWait(_ seconds: Double, _ query: String) {
            state.withLock {
                $0.maxLockWait = max($0.maxLockWait, seconds); if $0.waiters.count < 5 { $0.waiters.append(query) }
            }
        }
        func claim(_ seconds: Double) { state.withLock { $0.claims.append(seconds) } }
        var maxLockWait: Double { state.withLock { $0.maxLockWait } }
        var waiters: [String] { state.withLock { $0.waiters } }
        var claims: [Double] { state.withLock { $0.claims } }
    }

    @Test("prune deletes 200,000 old rows in batches while a drain runs; no claim waits on it; failed jobs stay")
    func pruneDuringDrain() async throws {
        let h = try await WorkerHarness.make("prune")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, state, finished_at, created_at, result)
                SELECT 'system.noop', 'done', now() - interval '30 days', now() - interval '30 days', '{}'
                  FROM generate_series(1, 200000)
                """)
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, state, finished_at, updated_at, error)
                SELECT 'test.old', s, CASE WHEN s = 'failed' THEN now() - interval '30 days' END, now() - interval '30 days', 'x'
                  FROM generate_series(1, 500), unnest(ARRAY['failed', 'cancelled']) s
                """)
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, state, finished_at) SELECT 'test.young', 'done', now() - interval '13 days'
                  FROM generate_series(1, 500)
                """)
            try await h.connection.execute("ANALYZE marketplace_job")
            let prune = try await h.insert(
                "system.prune_jobs", #"{"olderThanDays": 14, "batchSize": 5000}"#, extra: "priority", values: "-1")
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type) SELECT 'system.noop' FROM generate_series(1, 30000)
                """)
            try await h.connection.execute("INSERT INTO marketplace_job (job_type, next_run_at) VALUES ('test.probe', now())")

            var registry = HandlerRegistry()
            registry.register(NoopJob())
            registry.register(PruneJobsJob())
            var configuration = h.configuration(concurrency: 20, exitWhenIdle: false)
            configuration.types = ["system.noop", "system.prune_jobs"]
            let worker = h.background(registry, configuration)
            defer { worker.cancel() }

            // A sampler of lock waits, and a probe that claims and releases one job the way the worker claims.
            let observations = Observations()
            let sampler = Task {
                let connection = try await h.db.connect()
                while !observations.isStopped {
                    for row in try await connection.query(
                        """
                        SELECT extract(epoch FROM now() - w.query_start)::float8 AS waited, w.wait_event, left(w.query, 60) AS query,
                               EXISTS (SELECT 1 FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(w.pid))
                                          AND b.query LIKE 'DELETE FROM marketplace_job%') AS behind_prune
                          FROM pg_stat_activity w
                         WHERE w.datname = current_database() AND w.wait_event_type = 'Lock' AND w.pid <> pg_backend_pid()
                        """
                    ).rows {
                        let waited = try row.decode(Double.self, "waited")
                        let what = "\(row["wait_event"] ?? "?") \(Int(waited * 1000)) ms: \(row["query"] ?? "")"
                        observations.anyWait(waited, what)
                        if try row.decode(Bool.self, "behind_prune") { observations.lockWait(waited, what) }
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                await connection.close()
            }
            let prober = Task {
                let connection = try await h.db.connect()
                while !observations.isStopped {
                    let started = ContinuousClock.now
                    try await connection.execute(
                        """
                        WITH next AS (SELECT id FROM marketplace_job WHERE state = 'pending' AND next_run_at <= now()
                                         AND job_type = 'test.probe' ORDER BY priority, next_run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                        UPDATE marketplace_job j SET state = 'running', locked_by = 'probe' FROM next WHERE j.id = next.id
                        """)
                    observations.claim((ContinuousClock.now - started).seconds)
                    try await connection.execute(
                        "UPDATE marketplace_job SET state = 'pending', locked_by = NULL WHERE job_type = 'test.probe'")
                    try await Task.sleep(for: .milliseconds(10))
                }
                await connection.close()
            }

            #expect(
                try await eventually(timeout: .seconds(300), every: .milliseconds(200)) {
                    let pending = try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'system.noop' AND state IN ('pending', 'running')"
                    )
                    return try await h.state(prune) == "done" && pending == 0
                })
            observations.stop()
            try await sampler.value
            try await prober.value

            let result = try #require(try await h.job(prune)["result_text"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any])
            #expect(object["deleted"] as? Int == 200_500)
            #expect((object["batches"] as? Int ?? 0) >= 41)
            #expect(
                try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.old' AND state = 'failed'")
                    == 500)
            #expect(
                try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.old' AND state = 'cancelled'")
                    == 0)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.young'") == 500)
            #expect(
                try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'system.noop' AND state = 'done'")
                    == 30000)
            // The drain ran while the prune did.
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM marketplace_job n, marketplace_job p
                     WHERE p.id = $1 AND n.job_type = 'system.noop' AND n.finished_at BETWEEN p.started_at AND p.finished_at
                    """, [prune]) > 0)
            #expect(observations.maxLockWait < 0.1, "lock waits: \(observations.waiters)")
            let claims = observations.claims.sorted()
            #expect(!claims.isEmpty)
            if !claims.isEmpty {
                let p99 = claims[min(claims.count - 1, claims.count * 99 / 100)]
                print(
                    "prune during drain: \(claims.count) probe claims, median \(Int(claims[claims.count / 2] * 1000)) ms, p99 \(Int(p99 * 1000)) ms, max \(Int(claims.last! * 1000)) ms; longest lock wait behind the prune \(Int(observations.maxLockWait * 1000)) ms, behind anything \(observations.longestAnyWait.what); prune \(object["duration_ms"] ?? "?") ms"
                )
            }
        }
    }
}
