import JobQueue
import Postgres
import WorkerCLI

extension DatabaseOptions {
    /// Connects for one jobctl command.
    func admin() async throws -> JobAdmin {
        JobAdmin(connection: try await PostgresConnection.connect(configuration(applicationName: "jobctl")))
    }
}
