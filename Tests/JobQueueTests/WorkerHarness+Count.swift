import Postgres
import Testing

extension WorkerHarness {
    /// The `n` column of a one-row query.
    func count(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> Int {
        try #require(try await connection.query(sql, parameters).first).decode(Int.self, "n")
    }
}
