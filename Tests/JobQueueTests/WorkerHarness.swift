import Foundation
import HTTPClient
import JobQueue
import Logging
import Postgres
import TestSupport
import Testing

/// Runs in-process workers against a test database.
struct WorkerHarness {
    let db: TestDatabase
    let connection: PostgresConnection

    static func make(_ label: String) async throws -> WorkerHarness {
        let db = try await TestDatabase.create(label: label)
        return WorkerHarness(db: db, connection: try await db.connect())
    }

    func configuration(
        concurrency: Int = 4, exitWhenIdle: Bool = true, retryBase: Duration = .milliseconds(50),
        jitter: Double = 0.2, lease: Duration = .seconds(30), poll: Duration = .milliseconds(200),
        timeouts: [String: Duration] = [:], claimBatch: Int = 100
    ) -> WorkerConfiguration {
        WorkerConfiguration(
            database: db.configuration, workerID: "test-\(UUID().uuidString.prefix(6))",
            concurrency: concurrency, exitWhenIdle: exitWhenIdle, shutdownGrace: .seconds(5),
            leaseDuration: lease, pollInterval: poll, claimBatchSize: claimBatch,
            retryPolicy: RetryPolicy(base: retryBase, cap: .seconds(10), jitter: jitter),
            timeoutOverrides: timeouts)
    }

    /// Runs a worker until nothing is due and none runs.
    func drain(_ registry: HandlerRegistry, _ configuration: WorkerConfiguration? = nil) async throws {
        let worker = Worker(
            configuration: configuration ?? self.configuration(), registry: registry,
            http: URLSessionHTTPClient(), logger: Logger(label: "test-worker"))
        try await worker.run()
    }

    /// Starts a long-running worker; cancel the task to stop it.
    func background(_ registry: HandlerRegistry, _ configuration: WorkerConfiguration) -> Task<Void, any Error> {
        let worker = Worker(
            configuration: configuration, registry: registry,
            http: URLSessionHTTPClient(), logger: Logger(label: "test-worker"))
        return Task { try await worker.run() }
    }

    @discardableResult
    func insert(_ type: String, _ payload: String = "{}", extra: String = "", values: String = "") async throws -> Int64 {
        let columns = extra.isEmpty ? "" : ", " + extra
        let more = values.isEmpty ? "" : ", " + values
        let row = try await connection.query(
            "INSERT INTO marketplace_job (job_type, payload\(columns)) VALUES ($1, $2::jsonb\(more)) RETURNING id",
            [type, PostgresJSON(text: payload)]
        ).first
        return try #require(row).decode(Int64.self, "id")
    }

    func job(_ id: Int64) async throws -> PostgresRow {
        try #require(
            try await connection.query(
                """
                SELECT *, result::text AS result_text, errors::text AS errors_text, jsonb_array_length(errors) AS history
                  FROM marketplace_job WHERE id = $1
                """, [id]
            ).first)
    }

    func state(_ id: Int64) async throws -> String { try await job(id)["state"] ?? "?" }

    func finish() async {
        await connection.close()
        await db.drop()
    }
}
