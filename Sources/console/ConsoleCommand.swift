import ArgumentParser
import Console
import Foundation
import Logging
import Postgres
import WorkerCLI

/// `console`: the operator console's executable; `Console` holds everything.
@main
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console", abstract: "The operator console: a web app over the job queue.",
        subcommands: [ServeCommand.self], defaultSubcommand: ServeCommand.self)
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Serve the console. It connects as marketplace_console (which cannot read credentials); the URL's login role must be a member."
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var bind = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port: UInt16 = 8080
    @Flag(help: "A TLS proxy is in front: mark the session cookie Secure.") var behindTLS = false
    @Option(help: ArgumentHelp("Minutes of inactivity that end a session.", valueName: "minutes")) var idleMinutes = 30
    @Option(help: ArgumentHelp("Hours after login that end a session.", valueName: "hours")) var sessionHours = 12

    func run() async throws {
        var logger = Logger(label: "console")
        logger.logLevel = .info
        guard idleMinutes > 0, sessionHours > 0 else {
            throw ValidationError("--idle-minutes and --session-hours must be positive")
        }
        var security = ConsoleSecurity()
        security.behindTLS = behindTLS
        security.idleSeconds = idleMinutes * 60
        security.absoluteSeconds = sessionHours * 3600
        let configuration = ConsoleDatabase.configuration(database.configuration(applicationName: "console"))
        let pool = PostgresPool(configuration: configuration, maxConnections: 8)
        do {
            _ = try await pool.query("SELECT 1 FROM console_audit LIMIT 0")
        } catch {
            FileHandle.standardError.write(
                Data(
                    "console: cannot use the database as \(ConsoleDatabase.role): \(error). Run jobctl migrate, and GRANT \(ConsoleDatabase.role) TO the URL's login role.\n"
                        .utf8))
            throw ExitCode(5)
        }
        let app = try ConsoleApp(database: pool, security: security, logger: logger)
        let server = try ConsoleServer(bind: bind, port: port, app: app, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask {
                let port = try await server.waitForPort()
                let host = bind.contains(":") ? "[\(bind)]" : bind
                FileHandle.standardOutput.write(
                    Data("console: serving http://\(host):\(port)/ as \(ConsoleDatabase.role)\n".utf8))
            }
            while try await group.next() != nil {}
        }
    }
}
