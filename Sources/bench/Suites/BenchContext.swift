import Foundation

/// What a suite may use: the database, the runner (drains, idle workers), the
/// worker's capabilities and the run's settings.
struct BenchContext {
    let database: BenchDatabase
    let runner: BenchRunner
    let capabilities: WorkerCapabilities
    let claimAhead: ClaimAhead
    let quick: Bool
    let runs: Int
    let jobs: Int

    func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
