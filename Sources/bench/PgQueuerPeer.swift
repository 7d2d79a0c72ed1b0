import Foundation

/// pgqueuer, the peer issue 8 compares against, drained in the same run on
/// the same durable cluster as our worker.
///
/// `bench/run` installs the pinned version (bench/pgqueuer/requirements.txt)
/// into a venv; this type installs pgqueuer's schema with its own CLI
/// (`pgq install`, durable tables) into the bench database and runs our
/// harness bench/pgqueuer/drain.py, which enqueues the jobs with pgqueuer's
/// `Queries.enqueue`, runs one `QueueManager` in drain mode and prints one
/// JSON line.
struct PgQueuerPeer {
    /// The venv's python; `pgq` sits next to it.
    let python: URL
    let script: URL
    let database: String
    let logDirectory: URL

    /// The batch sizes drained; issue 8's target is against batch 100.
    static let batchSizes = [10, 100]

    struct DrainResult: Decodable {
        let jobs: Int
        let batch_size: Int
        /// First 'picked' to last 'successful' in pgqueuer_log (server clock).
        let seconds: Double
        /// QueueManager.run from start to its return in drain mode.
        let wall_seconds: Double
        let version: String
    }

    struct Drain {
        let rate: Double
        let wallRate: Double
        let peakKiB: Int
        let version: String
    }

    private var environment: [String: String] { ["PGDATABASE": database] }

    /// `pgq install` into the (freshly created) bench database.
    func install() async throws {
        let pgq = python.deletingLastPathComponent().appendingPathComponent("pgq")
        let process = try WorkerProcess(
            executable: pgq, arguments: ["install", "--durability", "durable"],
            logFile: logDirectory.appendingPathComponent("pgqueuer-install.log"),
            environment: environment)
        try await WorkerProcess.waitForAll([process], timeout: .seconds(120))
    }

    /// One drain of `jobs` no-op jobs at `batchSize`; fails unless all were
    /// processed successfully (the script checks the queue and its log).
    func drain(jobs: Int, batchSize: Int) async throws -> Drain {
        let process = try WorkerProcess(
            executable: python,
            arguments: [script.path, "--jobs", "\(jobs)", "--batch-size", "\(batchSize)"],
            logFile: logDirectory.appendingPathComponent("pgqueuer-b\(batchSize).log"),
            environment: environment)
        try await WorkerProcess.waitForAll([process], timeout: .seconds(600))
        let text = (try? String(contentsOf: process.logFile, encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            let result = try? JSONDecoder().decode(DrainResult.self, from: Data(line.utf8))
        else {
            throw BenchError("pgqueuer drain printed no result:\n\(process.tail)")
        }
        // The peak includes the enqueue phase, which runs in the same process.
        return Drain(
            rate: Double(result.jobs) / result.seconds, wallRate: Double(result.jobs) / result.wall_seconds,
            peakKiB: process.peakKiB, version: result.version)
    }
}
