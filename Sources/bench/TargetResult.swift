/// One benchmark target of an issue, checked against this run's figures and
/// printed as one line: `target — measured — met/missed (by how much)`.
///
/// Targets that the build cannot measure yet (their code is on another
/// branch) are printed too, as "not measured" with the reason, so the report
/// always lists every target and a missing one is visible.
struct TargetResult {
    enum Verdict {
        /// The margin, e.g. "4 percentage points to spare".
        case met(String)
        /// How far off, e.g. "short by 26 percentage points".
        case missed(String)
        /// Why there is no figure.
        case notMeasured(String)
    }

    /// The issue that sets the target; nil for the earlier engine targets the
    /// report keeps as regression checks.
    let issue: Int?
    let target: String
    let measured: String
    let verdict: Verdict

    var line: String {
        switch verdict {
        case .met(let margin): "\(target) — \(measured) — met (\(margin))"
        case .missed(let by): "\(target) — \(measured) — **missed** (\(by))"
        case .notMeasured(let reason): "\(target) — not measured — \(reason)"
        }
    }

    /// `value` against `bound`: met when `value ≥ bound` (`atLeast`) or
    /// `value ≤ bound` (not `atLeast`); the margin is the difference, written
    /// with `format`, and as a share of the bound.
    static func check(
        issue: Int?, _ target: String, measured: String, value: Double, bound: Double,
        atLeast: Bool, format: (Double) -> String
    ) -> TargetResult {
        guard value.isFinite, bound.isFinite, bound != 0 else {
            return TargetResult(issue: issue, target: target, measured: measured, verdict: .notMeasured("no figure in this run"))
        }
        let difference = abs(value - bound)
        let share = Sample.percent(difference / abs(bound))
        let met = atLeast ? value >= bound : value <= bound
        let verdict: Verdict =
            met
            ? .met("\(format(difference)) to spare, \(share) of the target")
            : .missed(
                atLeast
                    ? "short by \(format(difference)), \(share) below the target"
                    : "over by \(format(difference)), \(share) above the target")
        return TargetResult(issue: issue, target: target, measured: measured, verdict: verdict)
    }

    /// A share (0.54 = 54%) against a bound share; the margin is in percentage points.
    static func checkShare(issue: Int?, _ target: String, measured: String, share: Double, bound: Double) -> TargetResult {
        guard share.isFinite else {
            return TargetResult(issue: issue, target: target, measured: measured, verdict: .notMeasured("no figure in this run"))
        }
        let points = Int((abs(share - bound) * 100).rounded())
        let text = "\(points) percentage point\(points == 1 ? "" : "s")"
        return TargetResult(
            issue: issue, target: target, measured: measured,
            verdict: share >= bound ? .met("\(text) to spare") : .missed("short by \(text)"))
    }

    static func notMeasured(issue: Int?, _ target: String, _ reason: String) -> TargetResult {
        TargetResult(issue: issue, target: target, measured: "", verdict: .notMeasured(reason))
    }
}
