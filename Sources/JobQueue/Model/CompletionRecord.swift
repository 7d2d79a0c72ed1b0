import Foundation

/// One finished attempt waiting to be written.
public struct CompletionRecord: Sendable {
    /// The job's id.
    public let jobID: Int64
    /// The attempt this outcome belongs to; the write is guarded on it.
    public let attempt: Int
    /// What to write.
    public let completion: Completion
    /// When the handler started, on the worker's clock like a retry's
    /// `next_run_at` (nil: it never started, e.g. a buffered job released at
    /// shutdown). Written to `started_at` unless a heartbeat already did.
    public let startedAt: Date?

    /// An outcome for `attempt` of job `jobID`.
    public init(jobID: Int64, attempt: Int, completion: Completion, startedAt: Date? = nil) {
        self.jobID = jobID
        self.attempt = attempt
        self.completion = completion
        self.startedAt = startedAt
    }

    /// The same outcome with another completion (a stop reason overrides what the handler returned).
    func with(_ completion: Completion) -> CompletionRecord {
        CompletionRecord(jobID: jobID, attempt: attempt, completion: completion, startedAt: startedAt)
    }
}
