/// Why a held job's handler was cancelled (or, for a buffered job, why it
/// must never start); decides what the completer writes.
enum StopReason: Sendable {
    /// `jobctl cancel`: the row is already `cancelled`; write nothing.
    case cancelledByOperator
    /// The row is no longer ours (rescued after a lost lease); write nothing.
    case leaseLost
    /// Shutdown grace ran out: release to pending without spending the attempt.
    case shutdown
    /// The attempt outlived its timeout; the handler's task reports it as a failed attempt.
    case timedOut
}
