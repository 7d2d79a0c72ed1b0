/// The `state` column. These five strings are part of the public SQL contract.
public enum JobState: String, Sendable, CaseIterable, Codable {
    /// Waiting for `next_run_at`; claimable once it has passed.
    case pending
    /// Claimed by the worker in `locked_by`, whose lease runs to `locked_until`.
    case running
    /// The handler returned; `result` holds what it returned.
    case done
    /// Out of attempts, or a permanent error; `error` says why.
    case failed
    /// Stopped by an operator; never runs unless `jobctl run-now` revives it.
    case cancelled
}
