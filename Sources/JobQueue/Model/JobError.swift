import Foundation

/// What a handler throws to choose the job's next state. Any other error is
/// treated as `.retryable` with its description as the message.
public enum JobError: Error, Sendable, CustomStringConvertible {
    /// Retrying cannot help (bad payload, rejected credentials, missing data):
    /// the job fails at once, whatever attempts are left.
    case permanent(String)
    /// Temporary trouble (5xx, timeout, refused connection): retry with backoff,
    /// spending an attempt.
    case retryable(String)
    /// Come back at `date` without spending an attempt (HTTP 429 Retry-After).
    case retryAfter(Date, String)

    public var description: String {
        switch self {
        case .permanent(let message), .retryable(let message): return message
        case .retryAfter(let date, let message):
            return "\(message); retrying at \(date.formatted(.iso8601))"
        }
    }
}
