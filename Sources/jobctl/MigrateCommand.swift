import ArgumentParser
import JobQueue
import Postgres
import WorkerCLI

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract:
            "Apply the SQL files in migrations/ that the database has not seen yet. Safe to run twice, or from two places at once."
    )
    @OptionGroup var database: DatabaseOptions

    @Option(
        help: ArgumentHelp(
            "Directory of NNNN_name.sql files. Default: MJ_MIGRATIONS_DIR, ./migrations, or the checkout's.",
            valueName: "dir"))
    var migrations: String?

    func run() async throws {
        try await CommandErrors.guarded {
            let directory = try Migrator.locateDirectory(explicit: migrations)
            let migrator = try Migrator(directory: directory)
            let connection = try await PostgresConnection.connect(database.configuration(applicationName: "jobctl"))
            let applied = try await migrator.migrate(connection) { print($0) }
            await connection.close()
            print(
                applied.isEmpty
                    ? "database is up to date (\(migrator.migrations.count) migrations)"
                    : "applied \(applied.count) migration(s)")
        }
    }
}
