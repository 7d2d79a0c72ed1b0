/// Issue 10: "the no-op drain with metrics on stays within 5% of metrics
/// off". Drains 1 process × concurrency 100 with and without
/// `--metrics-port`, alternating, `runs` times each, and compares medians.
/// Runs only when `worker run --help` lists `--metrics-port`.
struct MetricsCost: BenchSuite {
    let name = "metrics cost"
    let targets = [(issue: 10, target: target)]
    static let target = "no-op drain 1 process × c100 with `--metrics-port` within 5% of without"

    func unavailableReason(_ context: BenchContext) -> String? {
        context.capabilities.metricsPort ? nil : "waits for issue 10's `worker run --metrics-port` (not in this worker's help)"
    }

    func run(_ context: BenchContext) async throws -> SuiteOutcome {
        var off = Sample()
        var on = Sample()
        for round in 1...context.runs {
            // A port per round: the previous process has exited, but its
            // socket may linger in TIME_WAIT.
            let port = 19_400 + round
            off.add(try await context.runner.drain(processes: 1, concurrency: 100, jobs: context.jobs, label: "metrics-off").rate)
            on.add(
                try await context.runner.drain(
                    processes: 1, concurrency: 100, jobs: context.jobs,
                    extraArguments: ["--metrics-port", "\(port)"], label: "metrics-on"
                ).rate)
            context.progress("  metrics off \(Sample.rate(off.values.last!)), on \(Sample.rate(on.values.last!)) jobs/s")
        }
        let ratio = on.median / off.median
        let section = [
            "### Metrics cost: drain 1 process × concurrency 100, \(Sample.rate(Double(context.jobs))) jobs",
            "",
            "| metrics | jobs/s |",
            "|---|---|",
            "| off | \(off.rate()) |",
            "| on (`--metrics-port`, not scraped) | \(on.rate()) (\(Sample.percent(ratio)) of off) |",
        ]
        let result = TargetResult.checkShare(
            issue: 10, Self.target, measured: "\(Sample.percent(ratio)) of off",
            share: ratio, bound: 0.95)
        return SuiteOutcome(section: section, targets: [result])
    }
}
