import Foundation
import Synchronization

/// Every job this worker holds a lease on: the running ones and those claimed
/// ahead into the buffer. Shared by the dispatch loop (claim, start, finish),
/// the lease keeper (heartbeat ids), the timeout watchdog and the NOTIFY pump
/// (operator cancels).
///
/// Jobs started together (one batch handler call) form a unit that shares one
/// task: stopping one job of a batch marks it (its outcome is then discarded)
/// and cancels the task only once every job of the unit is stopped, so one
/// operator cancel does not cost the rest of the batch its work.
final class RunningJobs: Sendable {
    private struct Entry {
        var attempt: Int
        /// For the outcome metric of a buffered job that never starts.
        var jobType: String
        /// When the attempt times out; nil while buffered. One watchdog checks
        /// every entry's deadline, instead of a timer task per job: a per-job
        /// `Task.sleep` left a dispatch timer armed for the whole timeout after
        /// the job finished, costing CPU and memory at thousands of jobs/s.
        var deadline: ContinuousClock.Instant?
        var startedAt: Date?
        /// The unit (first job's id) whose task runs this job; nil while buffered.
        var unit: Int64?
        var stopReason: StopReason?
        /// Whether a heartbeat has written `started_at` for this attempt.
        var startRecorded = false
    }
    private struct Unit {
        var task: Task<Void, Never>?
        var members: [Int64]
    }
    private struct State {
        var entries: [Int64: Entry] = [:]
        var units: [Int64: Unit] = [:]
    }
    private let state = Mutex(State())

    /// Jobs held: running and buffered.
    var count: Int { state.withLock { $0.entries.count } }
    var isEmpty: Bool { state.withLock { $0.entries.isEmpty } }

    /// Registers freshly claimed jobs as held but not started, so their
    /// leases are renewed and an operator cancel finds them.
    func hold(_ jobs: [ClaimedJob]) {
        guard !jobs.isEmpty else { return }
        state.withLock { state in
            for job in jobs { state.entries[job.id] = Entry(attempt: job.attempt, jobType: job.jobType) }
        }
    }

    /// Marks held jobs as started together as one unit. Returns the jobs
    /// that were stopped before they could start (cancelled while buffered),
    /// with why; they are not part of the unit and must not run.
    func start(
        _ ids: [Int64], deadline: ContinuousClock.Instant,
        at start: Date = Date()
    ) -> [Int64: StopReason] {
        state.withLock { state in
            var stopped: [Int64: StopReason] = [:]
            var members: [Int64] = []
            for id in ids {
                guard var entry = state.entries[id] else { stopped[id] = .leaseLost; continue }
                if let reason = entry.stopReason { stopped[id] = reason; continue }
                entry.deadline = deadline
                entry.startedAt = start
                members.append(id)
                state.entries[id] = entry
            }
            if let unit = members.first {
                for id in members { state.entries[id]?.unit = unit }
                state.units[unit] = Unit(task: nil, members: members)
            }
            return stopped
        }
    }

    /// Gives a started unit its task (a unit is named by its first job's id).
    func attach(task: Task<Void, Never>, toUnit unit: Int64) {
        let stopAlready: Bool = state.withLock { state in
            state.units[unit]?.task = task
            return Self.allStopped(unit, in: state)
        }
        if stopAlready { task.cancel() }
    }

    /// Why the job was stopped so far, if it was.
    func stopReason(id: Int64) -> StopReason? {
        state.withLock { $0.entries[id]?.stopReason }
    }

    /// Stops every started job whose deadline has passed (reason `.timedOut`) and returns their ids.
    @discardableResult
    func stopOverdue(now: ContinuousClock.Instant = .now) -> [Int64] {
        var overdue: [Int64] = []
        let tasks: [Task<Void, Never>] = state.withLock { state in
            for (id, entry) in state.entries where entry.stopReason == nil {
                if let deadline = entry.deadline, deadline <= now { overdue.append(id) }
            }
            return overdue.compactMap { Self.mark($0, .timedOut, in: &state) }
        }
        for task in tasks { task.cancel() }
        return overdue
    }

    /// Stops one job; the first reason given wins. A running handler is
    /// cancelled (a batch's, once all its jobs are stopped); a buffered job
    /// is only marked, and the caller tells the dispatch loop to drop it.
    @discardableResult
    func stop(id: Int64, reason: StopReason) -> StopResult {
        let (result, task): (StopResult, Task<Void, Never>?) = state.withLock { state in
            guard let entry = state.entries[id] else { return (.notHeld, nil) }
            let task = Self.mark(id, reason, in: &state)
            return (entry.unit == nil ? .buffered : .running, task)
        }
        task?.cancel()
        return result
    }

    /// Stops every running job (grace period over).
    func stopAll(reason: StopReason) {
        let tasks: [Task<Void, Never>] = state.withLock { state in
            let ids = state.entries.filter { $0.value.unit != nil }.map(\.key)
            return ids.compactMap { Self.mark($0, reason, in: &state) }
        }
        for task in tasks { task.cancel() }
    }

    /// Removes a finished job and tells why it was stopped, if it was.
    func remove(id: Int64) -> StopReason? {
        state.withLock { state in
            guard let entry = state.entries.removeValue(forKey: id) else { return nil }
            if let unit = entry.unit, var members = state.units[unit]?.members {
                members.removeAll { $0 == id }
                if members.isEmpty { state.units[unit] = nil } else { state.units[unit]?.members = members }
            }
            return entry.stopReason
        }
    }

    /// Drops buffered jobs that will never start (released or abandoned) and
    /// returns each one's type and why it was stopped (nil: released at shutdown).
    @discardableResult
    func forget(_ ids: [Int64]) -> [(jobType: String, stopReason: StopReason?)] {
        state.withLock { state in
            var forgotten: [(jobType: String, stopReason: StopReason?)] = []
            for id in ids {
                guard let entry = state.entries[id], entry.unit == nil else { continue }
                state.entries[id] = nil
                forgotten.append((entry.jobType, entry.stopReason))
            }
            return forgotten
        }
    }

    /// Every held job, for the heartbeat.
    func snapshot() -> [HeldJob] {
        state.withLock { state in
            state.entries.map { HeldJob(id: $0.key, attempt: $0.value.attempt, startedAt: $0.value.startedAt) }
        }
    }

    /// Running jobs started before `cutoff` whose `started_at` no heartbeat has written yet.
    func unrecordedStarts(before cutoff: Date) -> [HeldJob] {
        state.withLock { state in
            state.entries.compactMap { id, entry in
                guard !entry.startRecorded, let started = entry.startedAt, started <= cutoff else { return nil }
                return HeldJob(id: id, attempt: entry.attempt, startedAt: started)
            }
        }
    }

    /// Notes that a heartbeat wrote `started_at` for these jobs.
    func recordedStarts(_ jobs: [HeldJob]) {
        state.withLock { state in
            for job in jobs where job.startedAt != nil && state.entries[job.id]?.attempt == job.attempt {
                state.entries[job.id]?.startRecorded = true
            }
        }
    }

    /// Sets the reason (first wins) and returns the unit's task if every
    /// job of the unit is now stopped, so the caller cancels it outside the lock.
    private static func mark(_ id: Int64, _ reason: StopReason, in state: inout State) -> Task<Void, Never>? {
        guard state.entries[id] != nil else { return nil }
        if state.entries[id]?.stopReason == nil { state.entries[id]?.stopReason = reason }
        guard let unit = state.entries[id]?.unit, allStopped(unit, in: state) else { return nil }
        return state.units[unit]?.task
    }

    private static func allStopped(_ unit: Int64, in state: State) -> Bool {
        guard let members = state.units[unit]?.members else { return false }
        return members.allSatisfy { state.entries[$0]?.stopReason != nil }
    }
}
