import ArgumentParser
import JobQueue
import WorkerCLI

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a pending job, or stop a running one (its worker cancels the handler within a heartbeat)."
    )
    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The job id.")
    var id: Int64

    func run() async throws {
        try await CommandErrors.guarded {
            let previous = try await database.admin().cancel(id: id)
            print(
                previous == .running
                    ? "job \(id): running → cancelled; its worker stops the handler"
                    : "job \(id): pending → cancelled")
        }
    }
}
