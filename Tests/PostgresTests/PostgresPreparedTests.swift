import Foundation
import Postgres
import TestSupport
import Testing

/// `queryPrepared` and `pipeline(prepared: true)`: prepared once per session,
/// and prepared again whenever the session or the server forgot the statement.
@Suite("Prepared statements against a real server")
struct PostgresPreparedTests {
    func preparedCount(_ connection: PostgresConnection) async throws -> String? {
        try await connection.query("SELECT count(*) AS n FROM pg_prepared_statements").first?["n"]
    }

    @Test("a statement is prepared once per session and runs with each call's parameters")
    func preparedOnceAndReused() async throws {
        let db = try await TestDatabase.create(label: "prep")
        try await withTeardown(await db.drop()) {
            let connection = try await db.connect()
            let sql = "SELECT $1::int * 2 AS doubled, $2::text AS label"
            for value in 1...3 {
                let row = try #require(try await connection.queryPrepared(sql, [value, "n\(value)"]).first)
                #expect(row["doubled"] == "\(value * 2)")
                #expect(row["label"] == "n\(value)")
            }
            #expect(try await preparedCount(connection) == "1")
            // Another statement gets its own name; NULL parameters pass as NULL.
            let other = try await connection.queryPrepared("SELECT $1::text IS NULL AS missing", [String?.none])
            #expect(other.first?["missing"] == "t")
            #expect(try await preparedCount(connection) == "2")
            // A server error is typed as with query(_:_:), and the session goes on.
            await #expect(throws: PostgresError.self) { try await connection.queryPrepared("SELECT 1 / $1::int AS q", [0]) }
            #expect(try await connection.queryPrepared(sql, [5, "x"]).first?["doubled"] == "10")
        }
    }

    @Test("DEALLOCATE ALL, a migration that changes the result, and a killed session are each recovered from")
    func forgottenStatementsArePreparedAgain() async throws {
        let db = try await TestDatabase.create(label: "prepstale")
        try await withTeardown(await db.drop()) {
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (a int)")
            try await connection.execute("INSERT INTO t VALUES (1)")
            let sql = "SELECT * FROM t WHERE a >= $1::int"
            #expect(try await connection.queryPrepared(sql, [0]).columns == ["a"])

            // The server forgot it (a pooler or an operator ran DEALLOCATE ALL): SQLSTATE 26000.
            try await connection.execute("DEALLOCATE ALL")
            #expect(try await connection.queryPrepared(sql, [0]).rows.count == 1)

            // A migration changed what `*` means: "cached plan must not change result type" (0A000).
            try await connection.execute("ALTER TABLE t ADD COLUMN b text DEFAULT 'x'")
            let widened = try await connection.queryPrepared(sql, [0])
            #expect(widened.columns == ["a", "b"])
            #expect(widened.first?["b"] == "x")
            #expect(try await preparedCount(connection) == "1")

            // A new session has no statements: the connection prepares again after it reconnects.
            let killer = try await db.connect()
            let pid = try #require(try await connection.query("SELECT pg_backend_pid() AS pid").first?["pid"])
            try await killer.execute("SELECT pg_terminate_backend($1::int)", [pid])
            do {
                _ = try await connection.queryPrepared(sql, [0])
            } catch let error as PostgresError {
                #expect(error.isConnectionProblem, "\(error)")
            }
            #expect(try await connection.queryPrepared(sql, [0]).rows.count == 1)
            #expect(try await connection.query("SELECT pg_backend_pid() AS pid").first?["pid"] != pid)
        }
    }

    @Test("inside a transaction a forgotten statement fails the transaction rather than being retried")
    func noRetryInsideATransaction() async throws {
        let db = try await TestDatabase.create(label: "preptx")
        try await withTeardown(await db.drop()) {
            let connection = try await db.connect()
            let sql = "SELECT $1::int AS v"
            _ = try await connection.queryPrepared(sql, [1])
            var state: String?
            do {
                try await connection.transaction { tx in
                    try await tx.execute("DEALLOCATE ALL")
                    _ = try await tx.queryPrepared(sql, [2])
                }
            } catch let error as PostgresError {
                state = error.sqlState
            }
            #expect(state == "26000")
            // Outside the transaction the statement is prepared again.
            #expect(try await connection.queryPrepared(sql, [3]).first?["v"] == "3")
        }
    }

    @Test("a prepared pipeline prepares before sending, keeps the order, and stays one transaction")
    func preparedPipeline() async throws {
        let db = try await TestDatabase.create(label: "preppipe")
        try await withTeardown(await db.drop()) {
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int PRIMARY KEY)")
            let insert = "INSERT INTO t VALUES ($1::int)"
            let count = "SELECT count(*) AS n FROM t"
            for round in 0..<2 {
                let results = try await connection.pipeline(
                    [
                        (sql: insert, parameters: [round * 2 + 1]), (sql: insert, parameters: [round * 2 + 2]),
                        (sql: count, parameters: []),
                    ],
                    prepared: true)
                #expect(results.map(\.affectedRows).prefix(2) == [1, 1])
                #expect(results[2].first?["n"] == "\(round * 2 + 2)")
            }
            #expect(try await preparedCount(connection) == "2")
            // A failing statement still rolls back the ones before it.
            await #expect(throws: PostgresError.self) {
                _ = try await connection.pipeline(
                    [(sql: insert, parameters: [9]), (sql: insert, parameters: [1])], prepared: true)
            }
            #expect(try await connection.query(count).first?["n"] == "4")
            // Forgotten by the server: the whole pipeline runs again, once.
            try await connection.execute("DEALLOCATE ALL")
            let again = try await connection.pipeline(
                [(sql: insert, parameters: [5]), (sql: count, parameters: [])], prepared: true)
            #expect(again[1].first?["n"] == "5")
        }
    }
}
