import Logging
import Postgres
import ServiceLifecycle

extension Worker {
    /// Writes the registry's concurrency limits to the database before the
    /// first claim, so that no job of a limited type is ever claimed past its
    /// limit by this worker. Retried every second while the database cannot
    /// be reached; false when shutdown came first (then nothing is claimed).
    func registerConcurrencyLimits(_ limits: [String: ConcurrencyLimit], logger: Logger) async -> Bool {
        guard !limits.isEmpty else { return true }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let connection = PostgresConnection(configuration: configuration.database)
            do {
                let changed = try await JobStore.registerLimits(limits, on: connection)
                await connection.close()
                logger.info(
                    "concurrency limits registered",
                    metadata: [
                        "limits":
                            "\(limits.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.description)" }.joined(separator: ","))",
                        "changed": "\(changed)",
                    ])
                return true
            } catch {
                await connection.close()
                logger.warning("could not register concurrency limits: \(error); retrying in 1 s")
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return false
    }
}
