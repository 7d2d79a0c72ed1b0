import ArgumentParser
import Foundation
import JobQueue
import WorkerCLI

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs, newest first.")
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Only jobs in this state: pending, running, done, failed or cancelled.", valueName: "state"))
    var state: String?

    @Option(name: .customLong("type"), help: ArgumentHelp("Only jobs of this job_type.", valueName: "type"))
    var jobType: String?

    @Option(help: "At most this many jobs.")
    var limit: Int = 50

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            var parsedState: JobState?
            if let state {
                guard let value = JobState(rawValue: state) else {
                    throw JobctlError.badInput(
                        "unknown state '\(state)'; use one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsedState = value
            }
            guard limit > 0 else { throw JobctlError.badInput("--limit must be positive") }
            let jobs = try await database.admin().list(state: parsedState, jobType: jobType, limit: limit)
            if json {
                print(try Output.json(jobs))
                return
            }
            if jobs.isEmpty {
                print("no jobs" + (state.map { " in state \($0)" } ?? "") + (jobType.map { " of type \($0)" } ?? ""))
                return
            }
            let now = Date()
            // The percentage column appears only when some listed job has a total to measure against.
            let showsProgress = jobs.contains { $0.progress?.percent != nil }
            var headers = ["ID", "TYPE", "STATE", "TRIES", "ACCOUNT", "NEXT RUN", "ERROR"]
            if showsProgress { headers.insert("DONE", at: 3) }
            let rows = jobs.map { job -> [String] in
                var row: [String] = [
                    String(job.id), job.jobType, job.state, "\(job.attempts)/\(job.maxAttempts)",
                    job.accountID.map(String.init) ?? "-",
                    job.state == "pending" ? Output.relative(job.nextRunAt, now: now) : "-",
                    job.error ?? "",
                ]
                if showsProgress {
                    let percent: String = job.progress?.percent.map { "\($0)%" } ?? "-"
                    row.insert(percent, at: 3)
                }
                return row
            }
            print(Output.table(headers, rows))
        }
    }
}
