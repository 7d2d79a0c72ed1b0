import ArgumentParser
import Foundation
import JobQueue
import WorkerCLI

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Jobs by type and state, the oldest due job's wait, and recent throughput."
    )
    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            let stats = try await database.admin().stats()
            if json {
                print(try Output.json(stats))
                return
            }
            let states = JobState.allCases.map(\.rawValue)
            let types = Array(Set(stats.counts.map(\.jobType))).sorted()
            var rows: [[String]] = types.map { type in
                [type]
                    + states.map { state in
                        String(stats.counts.first { $0.jobType == type && $0.state == state }?.count ?? 0)
                    }
            }
            rows.append(
                ["total"] + states.map { state in String(stats.counts.filter { $0.state == state }.reduce(0) { $0 + $1.count }) })
            print(Output.table(["TYPE"] + states.map { $0.uppercased() }, rows))
            print("")
            print("oldest due job waiting: " + (stats.oldestDueAgeSeconds.map { Output.duration(Int($0)) } ?? "none due"))
            print(
                "finished in the last minute: \(stats.finishedLastMinute), last hour: \(stats.finishedLastHour) (failed: \(stats.failedLastHour))"
            )
        }
    }
}
