import ArgumentParser
import Foundation
import JobQueue
import Postgres
import WorkerCLI

/// `jobctl users …`: the operator console's logins (migration 0012).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "The operator console's logins: add, list, disable, set-role.",
        subcommands: [UsersAddCommand.self, UsersListCommand.self, UsersDisableCommand.self, UsersSetRoleCommand.self],
        defaultSubcommand: UsersListCommand.self
    )
}

extension DatabaseOptions {
    /// Connects for one users command.
    func users() async throws -> ConsoleUserAdmin {
        ConsoleUserAdmin(connection: try await PostgresConnection.connect(configuration(applicationName: "jobctl")))
    }
}

struct UsersAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract:
            "Add a console login. The password is read from a prompt, or from the first line of stdin when it is not a terminal; never from an argument."
    )
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The login (A-Z a-z 0-9 . _ @ -).") var login: String
    @Option(help: "viewer (reads), operator (job and sync actions) or admin (accounts, secrets, users).") var role: String
    @Flag(help: "Member of the integration group: sees and acknowledges notifications.") var integration = false

    func run() async throws {
        try await CommandErrors.guarded {
            let password = try PasswordReader.read(prompt: "password for \(login): ")
            let user = try await database.users().add(login: login, password: password, role: role, integration: integration)
            print("console user \(user.login) added (\(user.role)\(user.integration ? ", integration group" : ""))")
        }
    }
}

struct UsersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List console logins.")
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            let users = try await database.users().list()
            if json { print(try Output.json(users)); return }
            if users.isEmpty { print("no console users; add one with: jobctl users add LOGIN --role admin"); return }
            print(
                Output.table(
                    ["LOGIN", "ROLE", "INTEGRATION", "DISABLED", "CREATED"],
                    users.map {
                        [
                            $0.login, $0.role, $0.integration ? "yes" : "no", $0.disabled ? "yes" : "no",
                            Output.timestamp($0.createdAt),
                        ]
                    }))
        }
    }
}

struct UsersDisableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Disable a console login and end its sessions.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The login.") var login: String

    func run() async throws {
        try await CommandErrors.guarded {
            try await database.users().disable(login: login)
            print("console user \(login) disabled; its sessions are ended")
        }
    }
}

struct UsersSetRoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a console login's role.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The login.") var login: String
    @Argument(help: "viewer, operator or admin.") var role: String
    @Option(help: ArgumentHelp("Also set integration-group membership.", valueName: "true|false")) var integration: Bool?

    func run() async throws {
        try await CommandErrors.guarded {
            try await database.users().setRole(login: login, role: role, integration: integration)
            print("console user \(login) is now \(role)")
        }
    }
}
