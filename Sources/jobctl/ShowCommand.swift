import ArgumentParser
import Foundation
import JobQueue
import WorkerCLI

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Everything about one job: state, timing, payload, result, error history.")
    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The job id.")
    var id: Int64

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            let job = try await database.admin().job(id: id)
            if json {
                print(try Output.json(job))
                return
            }
            print(Self.render(job))
        }
    }

    /// The text is `JobDetailText.render`, which the console shows too.
    static func render(_ job: JobAdmin.Detail, now: Date = Date()) -> String {
        JobDetailText.render(job, now: now)
    }
}
