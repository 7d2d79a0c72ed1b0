/// Targets of later issues whose code is not in this build yet. Each is
/// printed as "not measured" with what it waits for, so the report lists every
/// target. When the code lands, its suite (a `BenchSuite`) replaces the entry.
enum PendingTargets {
    struct Entry {
        let issue: Int
        let target: String
        /// What the measurement needs and how it will be taken.
        let waitsFor: String
    }

    static let all: [Entry] = [
        Entry(
            issue: 10, target: "claim time with 10,000 blocked jobs (per-account limit reached) within 2× of the empty table",
            waitsFor:
                "waits for issue 10's concurrency keys; suite: 10,000 pending jobs of one account at its limit, then time the worker's claim of other accounts' jobs against an empty table"
        )
    ]

    static var results: [TargetResult] {
        all.map { TargetResult.notMeasured(issue: $0.issue, $0.target, $0.waitsFor) }
    }
}
