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

    /// Empty: issue 10's blocked-claim target is measured by `BlockedClaim`.
    static let all: [Entry] = []

    static var results: [TargetResult] {
        all.map { TargetResult.notMeasured(issue: $0.issue, $0.target, $0.waitsFor) }
    }
}
