/// The pgqueuer comparison and the target lines of the report.
extension BenchReport {
    /// Our worker and pgqueuer, 1 process each, the same jobs on the same cluster.
    func peerSection(jobs: Int) -> [String] {
        var lines = [
            "",
            "### Side by side: our worker and pgqueuer (1 process, \(Sample.rate(Double(jobs))) no-op jobs, same cluster, same run)",
            "",
        ]
        if let peerUnavailable {
            lines.append("pgqueuer not measured: \(peerUnavailable).")
            return lines
        }
        let batch = ceilingBatch.median
        lines.append(
            "jobs/s: ours = jobs ÷ (last finished_at − first started_at); pgqueuer = jobs ÷ (last 'successful' − first 'picked' in pgqueuer_log), both server clock. wall: ours = spawn → exit; pgqueuer = QueueManager.run in drain mode, start → return. pgqueuer's RSS includes its enqueue phase (same process)."
        )
        lines.append("")
        lines.append("| queue | setting | jobs/s | % of batch ceiling | wall jobs/s | peak RSS (MiB) |")
        lines.append("|---|---|---|---|---|---|")
        for concurrency in [10, 100] {
            let key = "1×\(concurrency)"
            guard let rate = drainRates[key] else { continue }
            lines.append(
                "| `worker run` | concurrency \(concurrency) | \(rate.rate()) | \(Sample.percent(rate.median / batch)) | \(Sample.rate(drainWallRates[key]?.median ?? .nan)) | \(Sample.decimal(drainPeakMiB[key]?.max ?? .nan)) |"
            )
        }
        for batchSize in PgQueuerPeer.batchSizes {
            guard let rate = peerRates[batchSize] else { continue }
            lines.append(
                "| pgqueuer \(peerVersion ?? "?") | batch_size \(batchSize) | \(rate.rate()) | \(Sample.percent(rate.median / batch)) | \(Sample.rate(peerWallRates[batchSize]?.median ?? .nan)) | \(Sample.decimal(peerPeakMiB[batchSize]?.max ?? .nan)) |"
            )
        }
        return lines
    }

    /// Every target: issue 8's from this run's figures, the suites', the
    /// later issues' not yet measurable ones, and the earlier engine targets.
    var targets: [TargetResult] {
        var results: [TargetResult] = []
        let batch = ceilingBatch.median
        let claimAheadNote = claimAhead?.isOn == true ? "" : " [claim-ahead off in this run]"

        let c100 = drainRates["1×100"]?.median ?? .nan
        results.append(
            .checkShare(
                issue: 8, "1 process × concurrency 100 ≥ 80% of the claim-batch ceiling",
                measured: "\(Sample.rate(c100)) of \(Sample.rate(batch)) jobs/s = \(Sample.percent(c100 / batch))",
                share: c100 / batch, bound: 0.8))

        let c10 = drainRates["1×10"]?.median ?? .nan
        let target2 = "1 process × concurrency 10 with claim-ahead ≥ 2× pgqueuer batch 100\(claimAheadNote)"
        if let peer = peerRates[100]?.median {
            results.append(
                .check(
                    issue: 8, target2,
                    measured:
                        "\(Sample.rate(c10)) vs pgqueuer \(peerVersion ?? "") \(Sample.rate(peer)) jobs/s = \(Sample.decimal(c10 / peer, 2))×",
                    value: c10 / peer, bound: 2, atLeast: true
                ) { "\(Sample.decimal($0, 2))×" })
        } else {
            results.append(.notMeasured(issue: 8, target2, "pgqueuer not run: \(peerUnavailable ?? "no figure")"))
        }

        if let latency {
            results.append(
                .check(
                    issue: 8, "idle insert-to-start latency p50 ≤ 3 ms with claim-ahead\(claimAheadNote)",
                    measured: "\(Sample.decimal(latency.p50, 2)) ms", value: latency.p50, bound: 3,
                    atLeast: false
                ) { "\(Sample.decimal($0, 2)) ms" })
            results.append(
                .check(
                    issue: 8, "idle insert-to-start latency p99 ≤ 15 ms with claim-ahead\(claimAheadNote)",
                    measured: "\(Sample.decimal(latency.p99, 2)) ms", value: latency.p99, bound: 15,
                    atLeast: false
                ) { "\(Sample.decimal($0, 2)) ms" })
        }

        let rss = drainPeakMiB["1×100"]?.max ?? .nan
        results.append(
            .check(
                issue: 8, "peak RSS at concurrency 100 ≤ 35 MiB", measured: "\(Sample.decimal(rss)) MiB (max over runs)",
                value: rss, bound: 35, atLeast: false
            ) { "\(Sample.decimal($0)) MiB" })

        results += suiteTargets
        results += PendingTargets.results

        if finishedRows > 0 {
            let ratio = grownDrain.median / c100
            results.append(
                .checkShare(
                    issue: nil, "with \(Sample.rate(Double(finishedRows))) finished rows, drain within 20% of empty",
                    measured: "\(Sample.percent(ratio)) of empty", share: ratio, bound: 0.8))
        }
        results.append(
            .check(
                issue: nil, "bulk enqueue ≥ 50,000 jobs/s", measured: "\(Sample.rate(enqueueBulk.median)) jobs/s",
                value: enqueueBulk.median, bound: 50_000, atLeast: true
            ) { "\(Sample.rate($0)) jobs/s" })
        // By issue, earlier targets last; within an issue in the order above.
        return results.enumerated().sorted { a, b in
            let (x, y) = (a.element.issue ?? .max, b.element.issue ?? .max)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// "### Targets", one line per target, grouped by issue.
    func targetSection() -> [String] {
        var lines = ["### Targets", "", "Each line: target — measured in this run — met/missed (by how much).", ""]
        let all = targets
        let issues = Array(Set(all.compactMap(\.issue))).sorted()
        for issue in issues {
            lines.append("Issue \(issue):")
            lines.append("")
            lines += all.filter { $0.issue == issue }.map { "- " + $0.line }
            lines.append("")
        }
        let earlier = all.filter { $0.issue == nil }
        if !earlier.isEmpty {
            lines.append("Earlier targets (regression checks):")
            lines.append("")
            lines += earlier.map { "- " + $0.line }
        }
        return lines
    }
}
