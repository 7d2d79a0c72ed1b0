/// What `RunningJobs.stop` found.
enum StopResult: Sendable, Equatable {
    /// The job is not held here (already finished, or never ours).
    case notHeld
    /// The job waits in the claim-ahead buffer: it must be dropped, never started.
    case buffered
    /// The job's handler runs; it was cancelled (or, in a batch, will be once
    /// every job of the batch is stopped).
    case running
}
