import ArgumentParser
import Foundation
import JobQueue
import WorkerCLI

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete done and cancelled jobs that finished long ago. Failed jobs are kept for a person to look at."
    )
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Age, e.g. 30d, 12h, 90m.", valueName: "age"))
    var olderThan: String

    func run() async throws {
        try await CommandErrors.guarded {
            guard let seconds = TimeArgument.duration(olderThan) else {
                throw JobctlError.badInput("--older-than '\(olderThan)' is not an age; use e.g. 30d, 12h or 90m")
            }
            let deleted = try await database.admin().prune(finishedBefore: Date().addingTimeInterval(-seconds))
            print("deleted \(deleted) job(s) finished more than \(olderThan) ago")
        }
    }
}
