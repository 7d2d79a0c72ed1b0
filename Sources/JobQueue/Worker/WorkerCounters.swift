import Synchronization

/// Outcome counts since the worker started, for the progress log line and tests.
public final class WorkerCounters: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var done = 0
        public var retried = 0
        public var failed = 0
        public var snoozed = 0
    }
    private let state = Mutex(Snapshot())

    func count(_ field: WritableKeyPath<Snapshot, Int>) {
        state.withLock { $0[keyPath: field] += 1 }
    }

    public func snapshot() -> Snapshot { state.withLock { $0 } }
}
