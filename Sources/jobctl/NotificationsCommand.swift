import ArgumentParser
import Foundation
import JobQueue
import Postgres
import WorkerCLI

/// `jobctl notifications`: jobs that failed for good, for people to acknowledge.
struct NotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "List notifications (jobs that failed for good) or acknowledge them.",
        subcommands: [NotificationsListCommand.self, NotificationsAckCommand.self],
        defaultSubcommand: NotificationsListCommand.self
    )
}

extension DatabaseOptions {
    /// Connects for one notifications command.
    func notifications() async throws -> NotificationAdmin {
        NotificationAdmin(connection: try await PostgresConnection.connect(configuration(applicationName: "jobctl")))
    }
}

struct NotificationsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List notifications, newest first.")
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Only those not acknowledged yet.") var unread = false
    @Option(help: "At most this many.") var limit: Int = 50
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            let notifications = try await database.notifications().list(unreadOnly: unread, limit: limit)
            if json { print(try Output.json(notifications)); return }
            if notifications.isEmpty { print(unread ? "no unread notifications" : "no notifications"); return }
            print(
                Output.table(
                    ["ID", "TIME", "SEVERITY", "ACCOUNT", "JOB", "ACKNOWLEDGED", "MESSAGE"],
                    notifications.map { n in
                        [
                            String(n.id), Output.timestamp(n.createdAt), n.severity,
                            n.accountID.map { "\($0)" + (n.accountName.map { " \($0)" } ?? "") } ?? "-",
                            n.jobID.map(String.init) ?? "-", n.acknowledgedBy ?? "-", n.message,
                        ]
                    }, maxWidth: 100))
        }
    }
}

struct NotificationsAckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack", abstract: "Acknowledge one notification, or all unread ones.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The notification id.") var id: Int64?
    @Flag(help: "Acknowledge every unread notification.") var all = false
    @Option(help: ArgumentHelp("Who acknowledges. Default: the OS user.", valueName: "name")) var by: String?

    func validate() throws {
        if all == (id != nil) { throw ValidationError("give either a notification id or --all") }
    }

    func run() async throws {
        try await CommandErrors.guarded {
            let person = by ?? ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
            let admin = try await database.notifications()
            if let id {
                try await admin.acknowledge(id: id, by: person)
                print("notification \(id) acknowledged by \(person)")
            } else {
                print("\(try await admin.acknowledgeAll(by: person)) notification(s) acknowledged by \(person)")
            }
        }
    }
}
