import Postgres
import WorkerCLI

extension DatabaseOptions {
    /// Runs `body` with a one-connection pool, closed afterwards whether `body`
    /// returned or threw: what every marketplace's jobctl commands run on.
    func withPool<T: Sendable>(_ body: (PostgresPool) async throws -> T) async throws -> T {
        let pool = PostgresPool(configuration: configuration(applicationName: "jobctl"), maxConnections: 1)
        do {
            let value = try await body(pool)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }
}
