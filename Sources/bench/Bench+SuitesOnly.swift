import Foundation

extension Bench {
    /// `--suites-only`: the chosen suites alone, their sections and target
    /// lines printed as the full report would print them.
    func runSuitesOnly(
        _ words: String, database: BenchDatabase, runner: BenchRunner, capabilities: WorkerCapabilities,
        claimAhead: ClaimAhead
    ) async throws {
        let wanted = words.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let context = BenchContext(
            database: database, runner: runner, capabilities: capabilities, claimAhead: claimAhead,
            quick: quick, runs: runs, jobs: jobs)
        var lines: [String] = []
        var targets: [TargetResult] = []
        for suite in BenchSuites.all(orderPrices: orderPrices)
        where wanted.contains(where: { suite.name.lowercased().contains($0) }) {
            if let reason = suite.unavailableReason(context) {
                progress("\(suite.name): not measured (\(reason))")
                targets += suite.targets.map { TargetResult.notMeasured(issue: $0.issue, $0.target, reason) }
                continue
            }
            progress("\(suite.name)")
            let outcome = try await suite.run(context)
            lines += outcome.section + [""]
            targets += outcome.targets
        }
        try await database.reset()
        await database.connection.close()
        print((lines + ["### Targets", ""] + targets.map { "- " + $0.line }).joined(separator: "\n"))
    }
}
