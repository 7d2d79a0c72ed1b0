import Foundation
import Postgres
import TestSupport
import Testing

/// `pg_ctl restart` under running workers, on a private cluster so the
/// shared test cluster is never disturbed.
@Suite("Database restart", .serialized)
struct DatabaseRestartTests {

    /// Runs scripts/dev-db for the private cluster. (Polls for exit: Foundation's
    /// `waitUntilExit()` can hang when called from a concurrency thread on Linux.)
    func devDB(_ directory: String, _ arguments: [String]) async throws {
        let result = try await ChildProcess.run(
            "/bin/bash", [repositoryRoot.appendingPathComponent("scripts/dev-db").path] + arguments,
            environment: ["MJ_DEV_DB_DIR": directory])
        guard result.status == 0 else {
            throw TestSetupError("scripts/dev-db \(arguments.joined(separator: " ")) failed: \(result.output)")
        }
    }

    @Test("workers reconnect after pg_ctl restart mid-run, and every job ends done")
    func workersSurviveRestart() async throws {
        try TestDatabase.requireServer()
        let directory = "/tmp/mj-restart-\(UUID().uuidString.prefix(8).lowercased())"
        try await devDB(directory, ["start", "--fast"])
        try await withTeardown(try? await devDB(directory, ["destroy"])) {
            let url = "postgresql:///postgres?host=\(directory)"
            let migrate = try await ChildProcess.run("jobctl", ["migrate", "--database-url", url])
            #expect(migrate.status == 0, "\(migrate.output)")
            let connection = try await PostgresConnection.connect(PostgresConfiguration(connectionString: url))
            try await connection.execute(
                "CREATE TABLE test_execution (job_id bigint, attempt int, worker text, at timestamptz DEFAULT now())")
            try await connection.execute(
                """
                INSERT INTO marketplace_job (job_type, payload)
                SELECT 'test.record', '{"sleep_ms": 5}' FROM generate_series(1, 3000)
                """)
            let workers = try ["a", "b"].map {
                try ChildProcess(
                    executable: "test-worker",
                    arguments: ["run", "--database-url", url, "--concurrency", "8", "--lease", "5", "--worker-id", $0])
            }
            defer { for worker in workers { worker.terminateIfRunning() } }
            func done() async throws -> Int {
                try #require(try await connection.query("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'").first)
                    .decode(Int.self, "n")
            }
            #expect(try await eventually(timeout: .seconds(60)) { try await done() >= 300 })
            try await devDB(directory, ["restart"])
            #expect(
                try await eventually(timeout: .seconds(120)) { (try? await done()) == 3000 },
                "\(workers[0].output.suffix(1500))")
            let distinct = try #require(
                try await connection.query("SELECT count(DISTINCT job_id) AS n FROM test_execution").first
            ).decode(Int.self, "n")
            #expect(distinct == 3000)
            for worker in workers {
                #expect(
                    worker.output.contains("database unavailable") || worker.output.contains("listener"),
                    "the worker noticed the outage and logged it")
                worker.signal(SIGTERM)
                #expect(await worker.waitForExit(timeout: .seconds(30)) == 0)
            }
            await connection.close()
            try await devDB(directory, ["destroy"])
        }
    }
}
