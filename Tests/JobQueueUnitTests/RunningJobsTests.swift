import Foundation
import Testing

@testable import JobQueue

@Suite("RunningJobs (no database)")
struct RunningJobsTests {
    /// A task that runs until cancelled and reports that it was.
    private func cancellable() -> (Task<Void, Never>, Task<Bool, Never>) {
        let task = Task<Void, Never> { while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) } }
        let watcher = Task<Bool, Never> {
            await task.value; return true
        }
        return (task, watcher)
    }

    @Test("a buffered job is held (heartbeat sees it, unstarted), and a stop marks it so it never starts")
    func bufferedJobs() {
        let running = RunningJobs()
        running.hold([job(1), job(2)])
        #expect(running.count == 2)
        #expect(Set(running.snapshot().map(\.id)) == [1, 2])
        #expect(running.snapshot().allSatisfy { $0.startedAt == nil })
        #expect(running.stop(id: 1, reason: .cancelledByOperator) == .buffered)
        #expect(running.stop(id: 9, reason: .cancelledByOperator) == .notHeld)
        let stopped = running.start([1, 2], deadline: .now + .seconds(60))
        #expect(stopped == [1: .cancelledByOperator])
        #expect(running.snapshot().first { $0.id == 2 }?.startedAt != nil)
        running.forget([1, 2])
        #expect(running.count == 1, "forget drops buffered jobs only")
    }

    @Test("the first stop reason wins, and remove reports it")
    func firstReasonWins() async {
        let running = RunningJobs()
        running.hold([job(1)])
        _ = running.start([1], deadline: .now + .seconds(60))
        let (task, watcher) = cancellable()
        running.attach(task: task, toUnit: 1)
        #expect(running.stop(id: 1, reason: .leaseLost) == .running)
        running.stop(id: 1, reason: .shutdown)
        #expect(await watcher.value)
        #expect(running.remove(id: 1) == .leaseLost)
        #expect(running.isEmpty)
    }

    @Test("stopping one job of a batch leaves the batch running; stopping all of them cancels it")
    func batchUnit() async {
        let running = RunningJobs()
        running.hold([job(1), job(2)])
        _ = running.start([1, 2], deadline: .now + .seconds(60))
        let (task, watcher) = cancellable()
        running.attach(task: task, toUnit: 1)
        running.stop(id: 2, reason: .cancelledByOperator)
        try? await Task.sleep(for: .milliseconds(30))
        #expect(!task.isCancelled)
        running.stop(id: 1, reason: .cancelledByOperator)
        #expect(await watcher.value)
    }

    @Test("overdue jobs are stopped as timed out, on time and not before")
    func overdue() async {
        let running = RunningJobs()
        let now = ContinuousClock.now
        running.hold([job(1), job(2), job(3)])
        _ = running.start([1], deadline: now + .seconds(1))
        _ = running.start([2], deadline: now + .seconds(10))
        let (task, watcher) = cancellable()
        running.attach(task: task, toUnit: 1)
        #expect(running.stopOverdue(now: now).isEmpty)
        #expect(running.stopOverdue(now: now + .seconds(2)) == [1], "job 3 is buffered: no deadline yet")
        #expect(running.stopReason(id: 1) == .timedOut)
        #expect(await watcher.value)
        #expect(running.stopReason(id: 2) == nil)
    }

    @Test("a task attached after its job was stopped is cancelled at once")
    func attachAfterStop() async {
        let running = RunningJobs()
        running.hold([job(1)])
        _ = running.start([1], deadline: .now + .seconds(60))
        running.stopAll(reason: .shutdown)
        let (task, watcher) = cancellable()
        running.attach(task: task, toUnit: 1)
        #expect(await watcher.value)
        #expect(running.remove(id: 1) == .shutdown)
    }

    @Test("started_at is recorded once per attempt: recorded starts are not offered again")
    func recordedStarts() {
        let running = RunningJobs()
        running.hold([job(1), job(2)])
        _ = running.start([1], deadline: .now + .seconds(60), at: Date().addingTimeInterval(-5))
        let pending = running.unrecordedStarts(before: Date())
        #expect(pending.map(\.id) == [1])
        running.recordedStarts(pending)
        #expect(running.unrecordedStarts(before: Date()).isEmpty)
    }
}
