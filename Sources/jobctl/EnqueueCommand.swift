import ArgumentParser
import Foundation
import JobQueue
import WorkerCLI

struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Add a job and print its id.",
        discussion: "Same as SELECT marketplace_enqueue(...) in SQL."
    )
    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The job type, e.g. zortout.pull_stock.")
    var jobType: String

    @Option(help: ArgumentHelp("The payload as JSON, or @path to read it from a file.", valueName: "json|@file"))
    var payload: String = "{}"

    @Option(help: ArgumentHelp("The marketplace_account id the job works for.", valueName: "id"))
    var account: Int64?

    @Option(
        help: ArgumentHelp(
            "When to run: ISO 8601 (2026-12-01T09:00:00Z), 'now', or relative like +10m, +2h, +7d.", valueName: "time"))
    var runAt: String?

    @Option(help: "Lower numbers run first (default 0).")
    var priority: Int = 0

    @Option(help: "Attempts before the job fails for good (default 5).")
    var maxAttempts: Int = 5

    @Option(help: "A label shown in list and show.")
    var name: String?

    @Option(help: "Deduplicate: while a pending job has this key, return its id instead of adding another.")
    var uniqueKey: String?

    @Flag(help: "Print {\"id\": N} instead of the bare id.")
    var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            var job = JobAdmin.NewJob(jobType: jobType)
            job.payload = try readPayload()
            job.accountID = account
            if let runAt {
                guard let date = TimeArgument.date(runAt) else {
                    throw JobctlError.badInput(
                        "--run-at '\(runAt)' is not a time; use ISO 8601 (2026-12-01T09:00:00Z), 'now' or +10m")
                }
                job.runAt = date
            }
            job.priority = priority
            job.maxAttempts = maxAttempts
            job.name = name
            job.uniqueKey = uniqueKey
            let id = try await database.admin().enqueue(job)
            print(json ? "{\"id\": \(id)}" : "\(id)")
        }
    }

    private func readPayload() throws -> String {
        guard payload.hasPrefix("@") else { return payload }
        let path = String(payload.dropFirst())
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw JobctlError.badInput("cannot read payload file \(path)")
        }
        return text
    }
}
