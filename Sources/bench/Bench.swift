import ArgumentParser
import Foundation
import Postgres

/// `bench`: measures the queue against the database's own ceiling and prints
/// a Markdown report (docs/BENCHMARKS.md holds one).
///
/// Every throughput is shown as a fraction of the pgbench ceiling measured in
/// the same run, because this machine is shared and absolute figures drift.
/// Point it at a durable cluster (fsync and synchronous_commit on), e.g.
/// `eval "$(MJ_DEV_DB_DIR=/tmp/mj-bench scripts/dev-db start)"`.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Benchmark enqueue, drain throughput, wake-up latency, table growth and worker memory against the pgbench ceiling."
    )

    @Option(help: "Database to create (dropped first!) on the server the PG* variables point at.")
    var database = "mj_bench"

    @Option(help: "The release worker binary. Default: `worker` next to this executable.")
    var worker: String?

    @Option(help: "pgbench binary. Default: PATH, then /usr/lib/postgresql/*/bin.")
    var pgbench: String?

    @Option(help: "Directory holding the pgbench ceiling scripts.")
    var pgbenchScripts = "bench/pgbench"

    @Option(help: "Migrations directory. Default: as jobctl migrate finds it.")
    var migrations: String?

    @Option(help: "Repetitions of each measurement; the report shows medians.")
    var runs = 3

    @Option(help: "Jobs per drain at concurrency 10 and 100.")
    var jobs = 50_000

    @Option(help: "Jobs per drain at concurrency 1 (one job per round trip, so slow).")
    var jobsOneSlot = 4_000

    @Option(help: "Finished rows in the table for the growth test.")
    var finishedRows = 1_000_000

    @Option(help: "Jobs inserted one at a time, with gaps, for the wake-up latency.")
    var latencySamples = 300

    @Option(
        help:
            "Claim-ahead buffer passed to every `worker run` as --prefetch N. Default: the worker's own default (when it has --prefetch)."
    )
    var prefetch: Int?

    @Option(help: "Python of a venv with pgqueuer (bench/run makes one). Without it the pgqueuer comparison is not measured.")
    var pgqueuerPython: String?

    @Option(help: "Our pgqueuer drain harness.")
    var pgqueuerScript = "bench/pgqueuer/drain.py"

    @Option(help: "Order prices touched by the sell-offer tier change (the target is for 10,000).")
    var orderPrices = 10_000

    @Flag(help: "One run, smaller counts: checks that everything works in about a minute.")
    var quick = false

    @Flag(help: "Skip the growth test (its 1,000,000-row fill takes a while).")
    var skipGrowth = false

    @Option(
        help:
            "Only the suites whose names contain one of these words (comma-separated, e.g. amazon), without the core rounds; prints their sections and targets only. For working on a suite."
    )
    var suitesOnly: String?

    mutating func validate() throws {
        if quick {
            runs = 1; jobs = 10_000; jobsOneSlot = 500; finishedRows = 100_000; latencySamples = 50; orderPrices = 1_000
        }
        guard runs >= 1, jobs >= 1_000, jobsOneSlot >= 100, finishedRows >= 0, latencySamples >= 10, orderPrices >= 100 else {
            throw ValidationError(
                "--runs ≥ 1, --jobs ≥ 1000, --jobs-one-slot ≥ 100, --latency-samples ≥ 10, --order-prices ≥ 100")
        }
        if let prefetch, prefetch < 0 { throw ValidationError("--prefetch ≥ 0") }
    }

    func run() async throws {
        let workerBinary = try locateWorker()
        let capabilities = try WorkerCapabilities.probe(worker: workerBinary)
        let claimAhead = try ClaimAhead.choose(requested: prefetch, capabilities: capabilities)
        progress("claim-ahead: \(claimAhead.description)")
        let database = try await BenchDatabase.create(name: self.database, migrations: migrations)
        let ceiling = PgBench(
            executable: try PgBench.locate(explicit: pgbench),
            scripts: URL(fileURLWithPath: pgbenchScripts), database: self.database)
        let logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("mj-bench-logs")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let runner = BenchRunner(
            database: database, ceiling: ceiling, workerBinary: workerBinary, logDirectory: logDirectory,
            workerOptions: claimAhead.arguments)

        var report = BenchReport()
        report.machine = try await Self.describeMachine(database)
        report.claimAhead = claimAhead
        if let suitesOnly {
            try await runSuitesOnly(
                suitesOnly, database: database, runner: runner, capabilities: capabilities, claimAhead: claimAhead)
            return
        }
        let peer = try await preparePeer(logDirectory: logDirectory, report: &report)
        let started = ContinuousClock.now

        // Rounds: each measures everything once, so slow phases of a shared
        // machine spread over all figures instead of hitting one.
        let drainConfigurations = quick ? BenchReport.quickConfigurations : BenchReport.configurations
        for round in 1...runs {
            progress("round \(round)/\(runs)")
            report.ceilingOne.add(try await runner.ceilingOne())
            report.ceilingBatch.add(try await runner.ceilingBatch())
            progress(
                "  ceiling: one-at-a-time \(Sample.rate(report.ceilingOne.values.last!)), batched \(Sample.rate(report.ceilingBatch.values.last!)) jobs/s"
            )

            let enqueue = try await runner.enqueue(singles: quick ? 300 : 2_000, bulk: quick ? 50_000 : 100_000)
            report.enqueueInsert.add(enqueue.insert)
            report.enqueueFunction.add(enqueue.function)
            report.enqueueBulk.add(enqueue.bulk)
            progress(
                "  enqueue: insert \(Sample.rate(enqueue.insert)), function \(Sample.rate(enqueue.function)), bulk \(Sample.rate(enqueue.bulk)) jobs/s"
            )

            for (processes, concurrency) in drainConfigurations {
                let count = concurrency == 1 ? jobsOneSlot : jobs
                let result = try await runner.drain(processes: processes, concurrency: concurrency, jobs: count)
                report.record(drain: result, processes: processes, concurrency: concurrency)
                progress(
                    "  drain \(processes)×c\(concurrency): \(Sample.rate(result.rate)) jobs/s (wall \(Sample.rate(result.wallRate))), peak RSS \(Sample.decimal(Double(result.peakKiB) / 1024)) MiB"
                )
            }
            if let peer {
                for batchSize in PgQueuerPeer.batchSizes {
                    let result = try await peer.drain(jobs: jobs, batchSize: batchSize)
                    report.record(peer: result, batchSize: batchSize)
                    progress(
                        "  pgqueuer \(result.version) batch \(batchSize): \(Sample.rate(result.rate)) jobs/s (wall \(Sample.rate(result.wallRate))), peak RSS \(Sample.decimal(Double(result.peakKiB) / 1024)) MiB"
                    )
                }
            }
        }

        progress("latency: \(latencySamples) jobs inserted one at a time into an idle worker")
        report.latency = try await runner.latency(samples: latencySamples)

        let context = BenchContext(
            database: database, runner: runner, capabilities: capabilities, claimAhead: claimAhead,
            quick: quick, runs: runs, jobs: jobs)
        for suite in BenchSuites.all(orderPrices: orderPrices) {
            if let reason = suite.unavailableReason(context) {
                progress("\(suite.name): not measured (\(reason))")
                report.suiteTargets += suite.targets.map { TargetResult.notMeasured(issue: $0.issue, $0.target, reason) }
                continue
            }
            progress("\(suite.name)")
            let outcome = try await suite.run(context)
            report.suiteSections.append(outcome.section)
            report.suiteTargets += outcome.targets
        }

        if !skipGrowth {
            progress("growth: filling \(Sample.rate(Double(finishedRows))) finished rows")
            try await database.reset()
            try await database.fillFinished(finishedRows)
            report.finishedRows = finishedRows
            for round in 1...runs {
                let result = try await runner.drain(processes: 1, concurrency: 100, jobs: jobs, keepRows: true)
                report.grownDrain.add(result.rate)
                progress("  drain 1×c100 with finished rows, round \(round): \(Sample.rate(result.rate)) jobs/s")
            }
        }
        report.elapsed = ContinuousClock.now - started
        report.loadAfter = Self.loadAverage()
        try await database.reset()
        await database.connection.close()
        print(report.markdown(jobs: jobs, jobsOneSlot: jobsOneSlot, runs: runs))
        // The verdicts on stderr too, for whoever watches a run sent to a file.
        progress("targets:")
        for target in report.targets { progress("  " + (target.issue.map { "[issue \($0)] " } ?? "[earlier] ") + target.line) }
    }

    /// The pgqueuer peer, its schema installed, or nil (and the reason in the
    /// report) when no venv was given.
    private func preparePeer(logDirectory: URL, report: inout BenchReport) async throws -> PgQueuerPeer? {
        guard let pgqueuerPython else {
            report.peerUnavailable = "no pgqueuer venv (bench/run makes one; --pgqueuer-python names it)"
            return nil
        }
        guard FileManager.default.isExecutableFile(atPath: pgqueuerPython) else {
            throw ValidationError("--pgqueuer-python \(pgqueuerPython) is not an executable")
        }
        let peer = PgQueuerPeer(
            python: URL(fileURLWithPath: pgqueuerPython), script: URL(fileURLWithPath: pgqueuerScript),
            database: database, logDirectory: logDirectory)
        progress("pgqueuer: pgq install into \(database)")
        try await peer.install()
        return peer
    }

    private func locateWorker() throws -> URL {
        let path =
            worker
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("worker").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError(
                "worker binary not found at \(path); build it (swift build -c release --product worker) or pass --worker")
        }
        return URL(fileURLWithPath: path)
    }

    func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(
            separator: " ")
    }

    static func describeMachine(_ database: BenchDatabase) async throws -> [(String, String)] {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "?"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memory =
            meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal") }
            .flatMap { Int($0.filter(\.isNumber)) }.map { "\($0 / 1024 / 1024) GiB" } ?? "?"
        return [
            ("CPU", "\(ProcessInfo.processInfo.activeProcessorCount) × \(model)"),
            ("Memory", memory),
            ("PostgreSQL", try await database.setting("server_version")),
            (
                "fsync / synchronous_commit",
                "\(try await database.setting("fsync")) / \(try await database.setting("synchronous_commit"))"
            ),
            ("shared_buffers", try await database.setting("shared_buffers")),
            ("Load average at start", loadAverage()),
        ]
    }
}
