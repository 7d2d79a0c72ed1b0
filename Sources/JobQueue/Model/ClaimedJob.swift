import Foundation
import Postgres

/// A job this worker holds the lease on.
public struct ClaimedJob: Sendable {
    public let id: Int64
    public let jobType: String
    public let name: String?
    public let accountID: Int64?
    /// The raw `payload` JSON; decoded by the handler's `Payload` type.
    public let payload: Data
    /// `attempts` after the claim incremented it.
    public let attempt: Int
    public let maxAttempts: Int

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        jobType = try row.decode(String.self, "job_type")
        name = row["name"]
        accountID = try row.decode(Int64?.self, "account_id")
        payload = Data(try row.decode(String.self, "payload").utf8)
        attempt = try row.decode(Int.self, "attempts")
        maxAttempts = try row.decode(Int.self, "max_attempts")
    }
}

/// How an attempt ended, as the completer writes it.
public enum Completion: Sendable, Equatable {
    /// `done` with the handler's result.
    case done(result: Data)
    /// `pending` again at `at`, with `error` recorded; the attempt is spent.
    case retry(error: String, at: Date)
    /// `failed` for good.
    case failed(error: String)
    /// `pending` at `until` without spending the attempt (rate limited).
    case snooze(note: String, until: Date)
    /// `pending` now without spending the attempt (worker shutting down).
    case release
    /// Write nothing: the row is no longer this worker's (cancelled, or rescued after a lost lease).
    case discard

    var kind: String {
        switch self {
        case .done: return "done"
        case .retry: return "retry"
        case .failed: return "failed"
        case .snooze: return "snooze"
        case .release: return "release"
        case .discard: return "discard"
        }
    }
}

/// One finished attempt waiting to be written.
public struct CompletionRecord: Sendable {
    public let jobID: Int64
    public let attempt: Int
    public let completion: Completion
}
