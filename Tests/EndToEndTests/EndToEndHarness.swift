import Foundation
import Postgres
import TestSupport
import Testing

/// A database plus helpers to run the real `test-worker` and `jobctl` binaries on it.
struct EndToEndHarness {
    let db: TestDatabase
    let connection: PostgresConnection

    static func make(_ label: String) async throws -> EndToEndHarness {
        let db = try await TestDatabase.create(label: label)
        let connection = try await db.connect()
        try await connection.execute(
            """
            CREATE TABLE test_execution (job_id bigint NOT NULL, attempt int NOT NULL, worker text, at timestamptz DEFAULT now())
            """)
        return EndToEndHarness(db: db, connection: connection)
    }

    func worker(_ arguments: [String] = [], url: String? = nil, environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(
            executable: "test-worker",
            arguments: ["run", "--database-url", url ?? db.url] + arguments,
            environment: environment)
    }

    func jobctl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run("jobctl", arguments + ["--database-url", db.url])
    }

    func count(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> Int {
        try #require(try await connection.query(sql, parameters).first).decode(Int.self, "n")
    }

    func insertRecordJobs(_ count: Int, sleepMilliseconds: Int = 0) async throws {
        try await connection.execute(
            """
            INSERT INTO marketplace_job (job_type, payload)
            SELECT 'test.record', jsonb_build_object('sleep_ms', $2::int) FROM generate_series(1, $1::int)
            """, [count, sleepMilliseconds])
    }

    func finish(_ processes: [ChildProcess] = []) async {
        for process in processes { process.terminateIfRunning() }
        await connection.close()
        await db.drop()
    }
}
