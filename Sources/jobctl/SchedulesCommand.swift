import ArgumentParser
import Foundation
import JobQueue
import Postgres
import WorkerCLI

/// `jobctl schedules`: the rows of `marketplace_schedule`, their next runs and last jobs.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "List schedules (next run, last job) or change one.",
        subcommands: [SchedulesListCommand.self, SchedulesSetCommand.self],
        defaultSubcommand: SchedulesListCommand.self
    )
}

extension DatabaseOptions {
    /// Connects for one schedules command.
    func schedules() async throws -> ScheduleAdmin {
        ScheduleAdmin(connection: try await PostgresConnection.connect(configuration(applicationName: "jobctl")))
    }
}

struct SchedulesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List every schedule.")
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            let schedules = try await database.schedules().list()
            if json { print(try Output.json(schedules)); return }
            if schedules.isEmpty { print("no schedules"); return }
            let now = Date()
            print(
                Output.table(
                    ["ID", "ACCOUNT", "TYPE", "EVERY", "NEXT RUN", "LAST JOB", "RUNS", "SKIPS", "STATUS"],
                    schedules.map { s in
                        [
                            String(s.id), s.accountID.map { "\($0)" + (s.accountName.map { " \($0)" } ?? "") } ?? "system",
                            s.jobType, Output.duration(s.intervalSeconds),
                            s.active ? Output.relative(s.nextRunAt, now: now) : "-",
                            s.lastJobID.map { "\($0) \(s.lastJobState ?? "pruned")" } ?? "-",
                            String(s.runCount), String(s.skipCount), s.inactiveReason ?? "active",
                        ]
                    }))
        }
    }
}

struct SchedulesSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a schedule's interval, payload, or whether it is enabled.",
        discussion: "A new interval applies at once: the next run is no later than now plus the interval.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The schedule id (jobctl schedules lists them).") var id: Int64
    @Option(help: ArgumentHelp("Seconds between runs.", valueName: "seconds")) var interval: Int?
    @Flag(help: "Run the schedule.") var enable = false
    @Flag(help: "Stop running the schedule.") var disable = false
    @Option(help: ArgumentHelp("The jobs' payload, a JSON object.", valueName: "json")) var payload: String?
    @Flag(help: "Print the schedule as JSON afterwards.") var json = false

    func validate() throws {
        if enable && disable { throw ValidationError("give --enable or --disable, not both") }
        if interval == nil && !enable && !disable && payload == nil {
            throw ValidationError("nothing to change: give --interval, --enable, --disable or --payload")
        }
    }

    func run() async throws {
        try await CommandErrors.guarded {
            let change = ScheduleAdmin.Change(
                intervalSeconds: interval, enabled: enable ? true : disable ? false : nil,
                payload: payload)
            let schedule = try await database.schedules().update(id: id, change)
            if json { print(try Output.json(schedule)); return }
            print(
                "schedule \(schedule.id) (\(schedule.jobType)): every \(Output.duration(schedule.intervalSeconds)), "
                    + (schedule.enabled ? "enabled, next run \(Output.timestamp(schedule.nextRunAt))" : "disabled")
                    + (schedule.enabled && !schedule.active ? " (not running: \(schedule.inactiveReason ?? "inactive"))" : ""))
        }
    }
}
