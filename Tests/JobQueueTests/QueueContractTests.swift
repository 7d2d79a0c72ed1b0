import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

@Suite("The SQL contract")
struct QueueContractTests {
    @Test("a bare INSERT is a complete enqueue, with documented defaults")
    func bareInsertDefaults() async throws {
        let h = try await WorkerHarness.make("defaults")
        try await withTeardown(await h.finish()) {
            try await h.connection.execute("INSERT INTO marketplace_job (job_type, payload) VALUES ('system.noop', '{}')")
            let row = try #require(try await h.connection.query("SELECT * FROM marketplace_job").first)
            #expect(row["state"] == "pending")
            #expect(row["priority"] == "0")
            #expect(row["attempts"] == "0")
            #expect(row["max_attempts"] == "5")
            #expect(row["errors"] == "[]")
            #expect(row["next_run_at"] != nil && row["created_at"] != nil && row["updated_at"] != nil)
        }
    }

    @Test("marketplace_enqueue deduplicates on unique_key among pending jobs only")
    func enqueueFunctionAndUniqueKey() async throws {
        let h = try await WorkerHarness.make("uniq")
        try await withTeardown(await h.finish()) {
            func enqueue(_ key: String) async throws -> Int64 {
                try #require(
                    try await h.connection.query(
                        "SELECT marketplace_enqueue('test.slow', '{\"ms\": 5000}', unique_key => $1, priority => 1) AS id", [key]
                    ).first
                )
                .decode(Int64.self, "id")
            }
            let first = try await enqueue("price:1")
            #expect(try await enqueue("price:1") == first)
            #expect(try await enqueue("price:2") != first)
            // Once the first job runs, a new change gets a new pending job.
            let recorder = Recorder()
            let worker = h.background(testRegistry(recorder), h.configuration(exitWhenIdle: false))
            try await withTeardown(await stopAndWait(worker)) {
                #expect(try await eventually { recorder.startedIDs.contains(first) })
                let second = try await enqueue("price:1")
                #expect(second != first)
            }
        }
    }

    @Test("a job going back to pending while a newer pending job holds its unique_key is superseded")
    func supersededOnRetryAndRescue() async throws {
        let h = try await WorkerHarness.make("supersede")
        try await withTeardown(await h.finish()) {
            // Retry path: the handler queues a newer job with the same key, then fails.
            let retrying = try await h.insert("test.dup", extra: "unique_key", values: "'price:9'")
            // Rescue path: a dead worker's job whose key is already held by a pending job.
            let orphan = try await h.insert(
                "system.noop", extra: "unique_key, state, attempts, locked_by, locked_until",
                values: "'price:7', 'running', 1, 'dead:1', now() - interval '1 minute'")
            let newer = try await h.insert(
                "system.noop", extra: "unique_key, next_run_at", values: "'price:7', now() + interval '1 hour'")
            let worker = h.background(testRegistry(), h.configuration(exitWhenIdle: false))
            try await withTeardown(await stopAndWait(worker)) { () async throws in
                #expect(try await eventually { try await h.state(retrying) == "cancelled" })
                #expect(
                    try await h.connection.query(
                        "SELECT state FROM marketplace_job WHERE unique_key = 'price:9' AND id <> $1", [retrying]
                    ).first?["state"] == "pending")
                #expect(try await eventually { try await h.state(orphan) == "cancelled" })
                #expect(try await h.state(newer) == "pending")
            }
        }
    }

    @Test("migrations run twice, and from two connections at once, without harm")
    func migrationsAreIdempotentAndLocked() async throws {
        try TestDatabase.requireServer()
        let admin = try await PostgresConnection.connect(PostgresConfiguration(connectionString: "dbname=postgres"))
        let name = "migrate_\(UUID().uuidString.prefix(8).lowercased())"
        try await admin.execute("CREATE DATABASE \"\(name)\"")
        try await withTeardown(try? await admin.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")) {
            let configuration = PostgresConfiguration(connectionString: "dbname=\(name)")
            let migrator = try Migrator(directory: TestDatabase.migrationsDirectory)
            let a = try await PostgresConnection.connect(configuration)
            let b = try await PostgresConnection.connect(configuration)
            async let first = migrator.migrate(a)
            async let second = migrator.migrate(b)
            let (appliedA, appliedB) = try await (first, second)
            #expect(appliedA.count + appliedB.count == migrator.migrations.count)
            #expect(try await migrator.migrate(a).isEmpty)
            let recorded = try await a.query("SELECT count(*) AS n FROM schema_migrations").first?["n"]
            #expect(recorded == String(migrator.migrations.count))
            await a.close()
            await b.close()
        }
    }

    @Test("retry resets attempts and keeps the history; prune removes only old done and cancelled jobs")
    func retryAndPrune() async throws {
        let h = try await WorkerHarness.make("retryprune")
        try await withTeardown(await h.finish()) {
            let failing = try await h.insert("test.permanent")
            try await h.drain(testRegistry())
            let admin = JobAdmin(connection: try await h.db.connect())
            try await admin.retry(id: failing)
            let retried = try await h.job(failing)
            #expect(retried["state"] == "pending" && retried["attempts"] == "0" && retried["history"] == "1")
            await #expect(throws: JobAdminError.self) { try await admin.retry(id: failing) }
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, state, finished_at)
                VALUES ('system.noop', 'done', now() - interval '40 days'), ('system.noop', 'cancelled', now() - interval '40 days'),
                       ('system.noop', 'failed', now() - interval '40 days'), ('system.noop', 'done', now())
                """)
            #expect(try await admin.prune(finishedBefore: Date().addingTimeInterval(-30 * 86_400)) == 2)
            let stats = try await admin.stats()
            #expect(stats.counts.contains { $0.jobType == "system.noop" && $0.state == "failed" && $0.count == 1 })
        }
    }
}
