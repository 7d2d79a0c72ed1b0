import Foundation

/// Collects the samples and renders the Markdown report, with each target
/// from the issue checked against the figures of this run.
struct BenchReport {
    var machine: [(String, String)] = []
    var ceilingOne = Sample()
    var ceilingBatch = Sample()
    var enqueueInsert = Sample()
    var enqueueFunction = Sample()
    var enqueueBulk = Sample()
    var drainRates: [String: Sample] = [:]
    var drainWallRates: [String: Sample] = [:]
    var drainPeakMiB: [String: Sample] = [:]
    var latency: BenchRunner.Latency?
    var finishedRows = 0
    var grownDrain = Sample()
    var elapsed: Duration = .zero
    var loadAfter = ""
    var claimAhead: ClaimAhead?
    /// pgqueuer drains by batch size (see `PgQueuerPeer`).
    var peerRates: [Int: Sample] = [:]
    var peerWallRates: [Int: Sample] = [:]
    var peerPeakMiB: [Int: Sample] = [:]
    var peerVersion: String?
    /// Why pgqueuer was not run, when it was not.
    var peerUnavailable: String?
    var suiteSections: [[String]] = []
    var suiteTargets: [TargetResult] = []

    /// The issue's matrix, plus one process at concurrency 400 to show what the
    /// slot count costs (a claim in flight holds slots that could run jobs).
    static let configurations = [(1, 1), (1, 10), (1, 100), (2, 1), (2, 10), (2, 100), (1, 400)]
    /// `--quick`: the configurations the targets need, plus 2 processes.
    static let quickConfigurations = [(1, 1), (1, 10), (1, 100), (2, 100)]
    static let headline = "1×100"

    mutating func record(drain: BenchRunner.DrainResult, processes: Int, concurrency: Int) {
        let key = "\(processes)×\(concurrency)"
        drainRates[key, default: Sample()].add(drain.rate)
        drainWallRates[key, default: Sample()].add(drain.wallRate)
        drainPeakMiB[key, default: Sample()].add(Double(drain.peakKiB) / 1024)
    }

    mutating func record(peer drain: PgQueuerPeer.Drain, batchSize: Int) {
        peerRates[batchSize, default: Sample()].add(drain.rate)
        peerWallRates[batchSize, default: Sample()].add(drain.wallRate)
        peerPeakMiB[batchSize, default: Sample()].add(Double(drain.peakKiB) / 1024)
        peerVersion = drain.version
    }

    func markdown(jobs: Int, jobsOneSlot: Int, runs: Int) -> String {
        var lines: [String] = []
        func add(_ line: String = "") { lines.append(line) }
        let batch = ceilingBatch.median
        let one = ceilingOne.median

        add("### Machine")
        add()
        add("| | |")
        add("|---|---|")
        for (key, value) in machine { add("| \(key) | \(value) |") }
        add("| Load average at end | \(loadAfter) |")
        add("| Claim-ahead (every `worker run`) | \(claimAhead?.description ?? "–") |")
        add("| Runs per figure | \(runs) (median, min–max in brackets) |")
        add("| Benchmark time | \(Int(elapsed.seconds)) s |")
        add()
        add("### Ceiling: the claim+complete SQL run by pgbench (-M prepared)")
        add()
        add("| pgbench script | clients | jobs/s |")
        add("|---|---|---|")
        add(
            "| bench/pgbench/claim-one.sql: claim 1 per transaction, complete in a second | \(BenchRunner.oneClients) | \(ceilingOne.rate()) |"
        )
        add(
            "| bench/pgbench/claim-batch.sql: claim 100 per statement, complete with id = ANY($1) | \(BenchRunner.batchClients) | \(ceilingBatch.rate()) |"
        )
        add()
        add("### Enqueue (one connection)")
        add()
        add("| method | jobs/s |")
        add("|---|---|")
        add("| single INSERT, one transaction each | \(enqueueInsert.rate()) |")
        add("| SELECT marketplace_enqueue(...), one transaction each | \(enqueueFunction.rate()) |")
        add("| bulk INSERT … SELECT FROM unnest($1::jsonb[]), 10,000 rows per statement | \(enqueueBulk.rate()) |")
        add()
        add("### No-op drain (release `worker run --exit-when-idle`)")
        add()
        add("jobs/s = jobs ÷ (last finished_at − first started_at); wall = jobs ÷ (spawn → last process exit).")
        add()
        add(
            "| processes | concurrency | jobs | jobs/s | % of batch ceiling | % of one-job ceiling | wall jobs/s | peak RSS (MiB) |"
        )
        add("|---|---|---|---|---|---|---|---|")
        for (processes, concurrency) in Self.configurations {
            let key = "\(processes)×\(concurrency)"
            guard let rate = drainRates[key] else { continue }
            add(
                "| \(processes) | \(concurrency) | \(Sample.rate(Double(concurrency == 1 ? jobsOneSlot : jobs))) | \(rate.rate()) | \(Sample.percent(rate.median / batch)) | \(Sample.percent(rate.median / one)) | \(Sample.rate(drainWallRates[key]?.median ?? .nan)) | \(Sample.decimal(drainPeakMiB[key]?.max ?? .nan)) |"
            )
        }
        if let latency {
            add()
            add(
                "### Idle insert-to-start latency (`started_at − created_at`, \(latency.samples) jobs inserted one at a time, 10–40 ms apart)"
            )
            add()
            add("| p50 | p99 | max |")
            add("|---|---|---|")
            add(
                "| \(Sample.decimal(latency.p50, 2)) ms | \(Sample.decimal(latency.p99, 2)) ms | \(Sample.decimal(latency.max, 2)) ms |"
            )
        }
        let empty = drainRates[Self.headline]?.median ?? .nan
        if finishedRows > 0 {
            add()
            add("### Table growth: drain 1 process × concurrency 100")
            add()
            add("| table holds | jobs/s |")
            add("|---|---|")
            add("| only the jobs being drained | \(drainRates[Self.headline]?.rate() ?? "–") |")
            add(
                "| \(Sample.rate(Double(finishedRows))) finished rows too | \(grownDrain.rate()) (\(Sample.percent(grownDrain.median / empty)) of empty) |"
            )
        }
        lines += peerSection(jobs: jobs)
        for section in suiteSections {
            add()
            lines += section
        }
        add()
        lines += targetSection()
        return lines.joined(separator: "\n")
    }
}
