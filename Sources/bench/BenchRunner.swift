import Foundation
import JobQueue
import Postgres

/// The individual measurements. Each one starts from a known table state
/// (truncated, filled, vacuumed, checkpointed) so runs are comparable.
struct BenchRunner {
    let database: BenchDatabase
    let ceiling: PgBench
    let workerBinary: URL
    let logDirectory: URL
    /// Added to every `worker run`: the claim-ahead setting (see `ClaimAhead`).
    let workerOptions: [String]

    static let oneClients = 8, oneTransactions = 500
    static let batchClients = 4, batchTransactions = 250, batchSize = 100

    // MARK: Ceiling

    /// claim-one.sql: each job claimed in one transaction and completed in another.
    func ceilingOne() async throws -> Double {
        try await database.reset()
        let expected = Self.oneClients * Self.oneTransactions
        try await database.fillPending(expected + 1_000)
        let tps = try await ceiling.run(
            script: "claim-one.sql", clients: Self.oneClients, transactionsPerClient: Self.oneTransactions)
        return tps * (try await doneShare(expected, "claim-one.sql"))
    }

    /// claim-batch.sql: 100 claimed per statement, completed with `id = ANY($1)`.
    func ceilingBatch() async throws -> Double {
        try await database.reset()
        let expected = Self.batchClients * Self.batchTransactions * Self.batchSize
        try await database.fillPending(expected + 1_000)
        let tps = try await ceiling.run(
            script: "claim-batch.sql", clients: Self.batchClients, transactionsPerClient: Self.batchTransactions)
        return tps * Double(Self.batchSize) * (try await doneShare(expected, "claim-batch.sql"))
    }

    /// Jobs per transaction are counted, not assumed: under SKIP LOCKED a claim
    /// can come back short, so the rate is scaled by done rows ÷ expected.
    private func doneShare(_ expected: Int, _ script: String) async throws -> Double {
        let done =
            try await database.connection.query("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'")
            .first?.decode(Int.self, "n") ?? 0
        guard done > 0, done <= expected else { throw BenchError("\(script) completed \(done) jobs, expected up to \(expected)") }
        return Double(done) / Double(expected)
    }

    // MARK: Enqueue

    struct EnqueueRates { let insert: Double; let function: Double; let bulk: Double }

    /// Single-row INSERTs and `marketplace_enqueue` calls on one connection, each
    /// its own transaction; then bulk inserts of 10,000 rows per statement.
    func enqueue(singles: Int, bulk: Int) async throws -> EnqueueRates {
        let connection = database.connection
        try await database.reset()
        try await connection.execute("CHECKPOINT")
        var start = ContinuousClock.now
        for index in 0..<singles {
            try await connection.execute(
                "INSERT INTO marketplace_job (job_type, payload) VALUES ($1, $2::jsonb)",
                ["system.noop", PostgresJSON(text: "{\"n\": \(index)}")])
        }
        let insert = Double(singles) / (ContinuousClock.now - start).seconds

        start = .now
        for index in 0..<singles {
            try await connection.execute(
                "SELECT marketplace_enqueue($1, $2::jsonb)",
                ["system.noop", PostgresJSON(text: "{\"n\": \(index)}")])
        }
        let function = Double(singles) / (ContinuousClock.now - start).seconds

        try await database.reset()
        try await connection.execute("CHECKPOINT")
        let chunk = 10_000
        start = .now
        var inserted = 0
        while inserted < bulk {
            let count = min(chunk, bulk - inserted)
            let payloads = (inserted..<(inserted + count)).map { "{\"n\": \($0)}" }
            inserted += try await connection.execute(
                """
                INSERT INTO marketplace_job (job_type, payload) SELECT 'system.noop', p FROM unnest($1::jsonb[]) AS p
                """, [payloads])
        }
        let bulkRate = Double(inserted) / (ContinuousClock.now - start).seconds
        return EnqueueRates(insert: insert, function: function, bulk: bulkRate)
    }

    // MARK: Drain

    struct DrainResult {
        /// Jobs per second from the first claim to the last completion (server clock).
        let rate: Double
        /// Jobs per second from spawning the processes to the last one exiting.
        let wallRate: Double
        let peakKiB: Int
    }

    /// Fills `jobs` no-op jobs, starts `processes` workers with `--exit-when-idle`
    /// and waits for them to leave; fails unless every job ended `done`.
    /// `extraArguments` go to every process (e.g. a metrics port).
    func drain(
        processes: Int, concurrency: Int, jobs: Int, keepRows: Bool = false,
        extraArguments: [String] = [], label: String = "drain"
    ) async throws -> DrainResult {
        if !keepRows { try await database.reset() }
        let first = try await database.fillPending(jobs)
        return try await drainQueued(
            processes: processes, concurrency: concurrency, jobs: jobs, fromID: first,
            extraArguments: extraArguments, label: label)
    }

    /// Drains jobs already in the table (ids from `fromID` on, `jobs` of them),
    /// as `drain` does after its fill.
    func drainQueued(
        processes: Int, concurrency: Int, jobs: Int, fromID first: Int64,
        extraArguments: [String] = [], label: String
    ) async throws -> DrainResult {
        let start = ContinuousClock.now
        let workers = try (0..<processes).map { index in
            try WorkerProcess(
                executable: workerBinary,
                arguments: [
                    "run", "--exit-when-idle", "--concurrency", "\(concurrency)",
                    "--database-url", database.conninfo, "--worker-id", "bench-\(index)",
                    "--log-level", "warning",
                ] + workerOptions + extraArguments,
                logFile: logDirectory.appendingPathComponent("\(label)-\(processes)x\(concurrency)-\(index).log"))
        }
        try await WorkerProcess.waitForAll(workers, timeout: .seconds(600))
        let wall = (ContinuousClock.now - start).seconds
        let outcome = try await database.drainOutcome(fromID: first)
        guard outcome.done == jobs, outcome.other == 0 else {
            throw BenchError("drain \(processes)×c\(concurrency): \(outcome.done) done and \(outcome.other) not done of \(jobs)")
        }
        return DrainResult(
            rate: Double(jobs) / outcome.seconds, wallRate: Double(jobs) / wall,
            peakKiB: workers.map(\.peakKiB).max() ?? 0)
    }

    // MARK: Latency

    struct Latency { let p50: Double; let p99: Double; let max: Double; let samples: Int; let peakKiB: Int }

    /// Inserts jobs one at a time, 10–40 ms apart, into a worker that sits idle
    /// on LISTEN, and reads `started_at - created_at` back from the rows.
    /// `created_at` is the inserting transaction's start, so the figure includes
    /// that transaction's commit (a WAL flush), NOTIFY delivery and the claim.
    func latency(samples: Int) async throws -> Latency {
        try await database.reset()
        try await database.settle()
        let worker = try WorkerProcess(
            executable: workerBinary,
            arguments: [
                "run", "--concurrency", "10", "--database-url", database.conninfo,
                "--worker-id", "bench-latency", "--log-level", "warning",
            ] + workerOptions,
            logFile: logDirectory.appendingPathComponent("latency.log"))
        defer { if worker.isRunning { worker.signal(SIGKILL) } }
        let connection = database.connection
        try await connection.execute("INSERT INTO marketplace_job (job_type) VALUES ('system.noop')")
        try await waitForDone(1, worker: worker)
        try await Task.sleep(for: .milliseconds(500))
        let first =
            try await connection.query("SELECT coalesce(max(id), 0) + 1 AS id FROM marketplace_job").first?.decode(
                Int64.self, "id") ?? 0
        for _ in 0..<samples {
            try await connection.execute("INSERT INTO marketplace_job (job_type) VALUES ('system.noop')")
            try await Task.sleep(for: .milliseconds(Int.random(in: 10...40)))
            worker.sampleMemory()
        }
        try await waitForDone(samples + 1, worker: worker)
        worker.signal(SIGTERM)
        try await WorkerProcess.waitForAll([worker], timeout: .seconds(30))
        let values = try await connection.query(
            """
            SELECT extract(epoch FROM started_at - created_at)::float8 * 1000 AS ms
              FROM marketplace_job WHERE id >= $1 ORDER BY 1
            """, [first]
        ).rows.map { try $0.decode(Double.self, "ms") }
        func percentile(_ p: Double) -> Double { values[min(values.count - 1, Int((Double(values.count) * p).rounded(.up)) - 1)] }
        return Latency(
            p50: percentile(0.5), p99: percentile(0.99), max: values.last ?? .nan,
            samples: values.count, peakKiB: worker.peakKiB)
    }

    /// Waits until `count` jobs are `done` (the worker must keep running meanwhile).
    func waitForDone(_ count: Int, worker: WorkerProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let done =
                try await database.connection.query("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'")
                .first?.decode(Int.self, "n") ?? 0
            if done >= count { return }
            guard worker.isRunning else { throw BenchError("latency worker exited:\n\(worker.tail)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("latency worker did not finish \(count) jobs within 60 s")
    }
}
