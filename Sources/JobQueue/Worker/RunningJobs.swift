import Synchronization

/// Why a running handler was cancelled; decides what the completer writes.
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

/// The handlers in flight, shared by the dispatch loop (start, finish), the
/// lease keeper (heartbeat ids) and the NOTIFY pump (operator cancels).
final class RunningJobs: Sendable {
    private struct Entry {
        var attempt: Int
        /// When the attempt times out. One watchdog checks every entry's deadline,
        /// instead of a timer task per job: a per-job `Task.sleep` left a dispatch
        /// timer armed for the whole timeout after the job finished, costing CPU
        /// and memory (about 1 KB per job for 5 minutes) at thousands of jobs/s.
        var deadline: ContinuousClock.Instant
        var task: Task<Void, Never>?
        var stopReason: StopReason?
    }
    private let entries = Mutex<[Int64: Entry]>([:])

    var count: Int { entries.withLock { $0.count } }
    var isEmpty: Bool { entries.withLock { $0.isEmpty } }

    func insert(id: Int64, attempt: Int, deadline: ContinuousClock.Instant) {
        entries.withLock { $0[id] = Entry(attempt: attempt, deadline: deadline) }
    }

    /// Why the job was stopped so far, if it was.
    func stopReason(id: Int64) -> StopReason? {
        entries.withLock { $0[id]?.stopReason }
    }

    /// Stops every job whose deadline has passed (reason `.timedOut`) and returns their ids.
    @discardableResult
    func stopOverdue(now: ContinuousClock.Instant = .now) -> [Int64] {
        let overdue: [(Int64, Task<Void, Never>?)] = entries.withLock { entries in
            var overdue: [(Int64, Task<Void, Never>?)] = []
            for (id, entry) in entries where entry.stopReason == nil && entry.deadline <= now {
                overdue.append((id, entry.task))
            }
            for (id, _) in overdue { entries[id]?.stopReason = .timedOut }
            return overdue
        }
        for (_, task) in overdue { task?.cancel() }
        return overdue.map(\.0)
    }

    func attach(task: Task<Void, Never>, to id: Int64) {
        let stopAlready: Bool = entries.withLock { entries in
            entries[id]?.task = task
            return entries[id]?.stopReason != nil
        }
        if stopAlready { task.cancel() }
    }

    /// Removes the job and tells why it was stopped, if it was.
    func remove(id: Int64) -> StopReason? {
        entries.withLock { $0.removeValue(forKey: id)?.stopReason }
    }

    func snapshot() -> [(id: Int64, attempt: Int)] {
        entries.withLock { entries in entries.map { (id: $0.key, attempt: $0.value.attempt) } }
    }

    /// Cancels one handler; the first reason given wins.
    @discardableResult
    func stop(id: Int64, reason: StopReason) -> Bool {
        let task: Task<Void, Never>?? = entries.withLock { entries in
            guard entries[id] != nil else { return .none }
            if entries[id]?.stopReason == nil { entries[id]?.stopReason = reason }
            return .some(entries[id]?.task)
        }
        guard case .some(let handle) = task else { return false }
        handle?.cancel()
        return true
    }

    func stopAll(reason: StopReason) {
        for (id, _) in snapshot() { stop(id: id, reason: reason) }
    }
}
