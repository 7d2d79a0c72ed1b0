/// A benchmark beyond the core rounds (ceiling, enqueue, drains, latency,
/// growth): it measures its own figures in the run and checks its own
/// targets. Later issues slot in here: write a conformer, add it to
/// `BenchSuites.all`, and drop its entry from `PendingTargets`.
protocol BenchSuite {
    /// A short name for progress lines.
    var name: String { get }
    /// nil when it can run against this build; otherwise why not (its
    /// targets are then printed as not measured, with this reason).
    func unavailableReason(_ context: BenchContext) -> String?
    /// The targets it checks, for the "not measured" lines when it cannot run.
    var targets: [(issue: Int, target: String)] { get }
    /// Measures; returns a Markdown section (heading included) and its targets.
    func run(_ context: BenchContext) async throws -> SuiteOutcome
}

/// What a suite adds to the report.
struct SuiteOutcome {
    let section: [String]
    let targets: [TargetResult]
}
