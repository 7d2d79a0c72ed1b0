import Foundation

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
