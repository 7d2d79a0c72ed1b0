import ArgumentParser
import JobQueue
import WorkerCLI

/// `test-worker run`: the real worker with test-only job types added. Used by
/// the end-to-end tests only; never shipped.
@main
struct TestWorkerTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test-worker", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        @OptionGroup var options: WorkerOptions

        func run() async throws {
            var registry = JobTypes.standard()
            registry.register(RecordExecutionJob())
            registry.register(LimitedRecordJob())
            try await WorkerRunner.run(options: options, registry: registry)
        }
    }
}
