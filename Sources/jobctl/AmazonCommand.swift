import Amazon
import ArgumentParser
import Postgres
import WorkerCLI

/// `jobctl amazon …`: the seed's Amazon "Integration UI" (the "Synchronize all
/// products" button and the product tab). Thin: `AmazonAdmin` holds the SQL.
struct AmazonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amazon",
        abstract:
            "Amazon account actions: synchronize products and orders, the product and order tabs, one feed, one order, shipping data, settlements.",
        subcommands: [
            AmazonSyncProductsCommand.self, AmazonStatusCommand.self, AmazonFeedCommand.self,
            AmazonOrdersCommand.self, AmazonOrderCommand.self, AmazonShipmentsCommand.self, AmazonSettlementsCommand.self,
        ]
    )
}

extension DatabaseOptions {
    /// Runs `body` with the Amazon admin over a one-connection pool, closed afterwards.
    func amazon<T: Sendable>(_ body: (AmazonAdmin) async throws -> T) async throws -> T {
        try await withPool { try await body(AmazonAdmin(database: $0)) }
    }
}
