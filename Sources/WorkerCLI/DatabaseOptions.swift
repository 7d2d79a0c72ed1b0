import ArgumentParser
import Foundation
import Postgres

/// `--database-url`, shared by every command that talks to PostgreSQL.
public struct DatabaseOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "A postgresql:// URI or libpq conninfo string. Default: DATABASE_URL, else libpq's PG* variables (PGHOST, PGDATABASE, ...).",
            valueName: "url"))
    public var databaseURL: String?

    public init() {}

    public func configuration(applicationName: String) -> PostgresConfiguration {
        PostgresConfiguration.resolve(
            explicit: databaseURL, environment: ProcessInfo.processInfo.environment,
            applicationName: applicationName)
    }
}
