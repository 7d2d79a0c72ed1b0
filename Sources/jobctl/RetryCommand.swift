import ArgumentParser
import JobQueue
import WorkerCLI

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Put failed jobs back to pending with their attempts reset (the error history is kept)."
    )
    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The failed job's id.")
    var id: Int64?

    @Flag(help: "Retry every failed job (with --type, of that type only).")
    var allFailed = false

    @Option(name: .customLong("type"), help: ArgumentHelp("With --all-failed: only this job_type.", valueName: "type"))
    var jobType: String?

    func validate() throws {
        if allFailed == (id != nil) { throw ValidationError("give either a job id or --all-failed") }
        if jobType != nil && !allFailed { throw ValidationError("--type goes with --all-failed") }
    }

    func run() async throws {
        try await CommandErrors.guarded {
            let admin = try await database.admin()
            if let id {
                try await admin.retry(id: id)
                print("job \(id): failed → pending")
            } else {
                let count = try await admin.retryAllFailed(jobType: jobType)
                print("\(count) failed job(s) → pending")
            }
        }
    }
}
