import Foundation
import JobQueue
import Postgres

/// The database the benchmark owns: created (dropped first) on the server the
/// `PG*` variables point at, migrated with the project's migrations, and
/// emptied between measurements.
struct BenchDatabase {
    let name: String
    let connection: PostgresConnection

    /// A libpq conninfo naming this database; host, port and user come from `PG*`.
    var conninfo: String { "dbname=\(name)" }

    static func create(name: String, migrations: String?) async throws -> BenchDatabase {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw BenchError("--database must be letters, digits and underscores")
        }
        let admin = try await PostgresConnection.connect(PostgresConfiguration(applicationName: "bench"))
        // The name is validated above; identifiers cannot be bound as parameters.
        try await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try await admin.execute("CREATE DATABASE \(name)")
        await admin.close()
        let connection = try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: "dbname=\(name)", applicationName: "bench"))
        let migrator = try Migrator(directory: try Migrator.locateDirectory(explicit: migrations))
        try await migrator.migrate(connection)
        // The system schedules (price refresh, retention) would add jobs of their own mid-run.
        try await connection.execute("UPDATE marketplace_schedule SET enabled = false WHERE account_id IS NULL")
        return BenchDatabase(name: name, connection: connection)
    }

    func setting(_ name: String) async throws -> String {
        try await connection.query("SELECT current_setting($1) AS value", [name]).first?["value"] ?? "?"
    }

    /// Empties the job table and resets ids.
    func reset() async throws {
        try await connection.execute("TRUNCATE marketplace_job RESTART IDENTITY")
    }

    /// Adds `count` pending no-op jobs in one statement and returns the first new id.
    /// Vacuums and checkpoints afterwards, so each drain starts from the same state
    /// and no checkpoint from the fill lands in the middle of it.
    @discardableResult
    func fillPending(_ count: Int, jobType: String = "system.noop", payload: String = "{}") async throws -> Int64 {
        let first =
            try await connection.query(
                """
                WITH ins AS (
                    INSERT INTO marketplace_job (job_type, payload)
                    SELECT $1, $2::jsonb FROM generate_series(1, $3)
                    RETURNING id)
                SELECT coalesce(min(id), 0) AS first FROM ins
                """, [jobType, payload, count]
            ).first?.decode(Int64.self, "first") ?? 0
        try await settle()
        return first
    }

    /// Adds `count` finished jobs (what a queue that ran for months holds).
    func fillFinished(_ count: Int) async throws {
        try await connection.execute(
            """
            INSERT INTO marketplace_job (job_type, state, attempts, result, started_at, finished_at, created_at, updated_at)
            SELECT 'system.noop', 'done', 1, '{}', t, t, t, t
              FROM generate_series(1, $1) g, LATERAL (SELECT now() - make_interval(secs => g) AS t) x
            """, [count])
        try await settle()
    }

    func settle() async throws {
        try await connection.execute("VACUUM (ANALYZE) marketplace_job")
        try await connection.execute("CHECKPOINT")
    }

    struct DrainOutcome {
        let done: Int
        let other: Int
        /// From the first claim to the last completion, as the server saw it.
        let seconds: Double
    }

    func drainOutcome(fromID: Int64) async throws -> DrainOutcome {
        guard
            let row = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE state = 'done') AS done,
                       count(*) FILTER (WHERE state <> 'done') AS other,
                       extract(epoch FROM max(finished_at) - min(started_at))::float8 AS seconds
                  FROM marketplace_job WHERE id >= $1
                """, [fromID]
            ).first
        else { throw BenchError("no drain result") }
        return DrainOutcome(
            done: try row.decode(Int.self, "done"), other: try row.decode(Int.self, "other"),
            seconds: try row.decode(Double?.self, "seconds") ?? .nan)
    }
}
