import ArgumentParser
import WorkerCLI

/// `worker run`: the job-processing daemon. All logic lives in JobQueue and WorkerCLI.
@main
struct WorkerTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Runs marketplace jobs from PostgreSQL.",
        subcommands: [Run.self]
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim and run due jobs until SIGTERM/SIGINT (or, with --exit-when-idle, until none is due)."
        )
        @OptionGroup var options: WorkerOptions

        func run() async throws {
            try await WorkerRunner.run(options: options, registry: JobTypes.standard())
        }
    }
}
