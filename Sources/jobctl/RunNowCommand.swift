import ArgumentParser
import JobQueue
import WorkerCLI

struct RunNowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-now",
        abstract: "Make a pending, failed or cancelled job due now and wake an idle worker.",
        discussion: "A running job is refused; a done job is refused unless --again."
    )
    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The job id.")
    var id: Int64

    @Flag(help: "Run a done job once more.")
    var again = false

    func run() async throws {
        try await CommandErrors.guarded {
            let previous = try await database.admin().runNow(id: id, again: again)
            print("job \(id): \(previous.rawValue) → pending, due now")
        }
    }
}
