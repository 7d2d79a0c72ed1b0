import Synchronization

/// Events for the dispatch loop. Producers (job tasks, the NOTIFY pump, the
/// shutdown handler) post from anywhere; the loop takes everything queued at
/// once, which is what batches completions: all jobs that finished during one
/// database round trip are written by the next.
final class Mailbox<Event: Sendable>: Sendable {
    private struct State {
        var events: [Event] = []
        var waiter: CheckedContinuation<[Event], Never>?
        var timer: Task<Void, Never>?
        var waiterToken = 0
    }
    private let state = Mutex(State())

    func post(_ event: Event) {
        let wake: (CheckedContinuation<[Event], Never>, [Event], Task<Void, Never>?)? = state.withLock { state in
            state.events.append(event)
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            let events = state.events
            state.events.removeAll(keepingCapacity: true)
            defer { state.timer = nil }
            return (waiter, events, state.timer)
        }
        if let (waiter, events, timer) = wake {
            timer?.cancel()
            waiter.resume(returning: events)
        }
    }

    /// Returns queued events at once, or waits for the next event or the deadline
    /// (returning `[]` at the deadline). Only one caller may wait at a time.
    func next(until deadline: ContinuousClock.Instant) async -> [Event] {
        let queued: [Event]? = state.withLock { state in
            guard !state.events.isEmpty else { return nil }
            defer { state.events.removeAll(keepingCapacity: true) }
            return state.events
        }
        if let queued { return queued }
        if deadline <= .now { return [] }
        return await withCheckedContinuation { continuation in
            state.withLock { state in
                if !state.events.isEmpty {
                    let events = state.events
                    state.events.removeAll(keepingCapacity: true)
                    continuation.resume(returning: events)
                    return
                }
                state.waiterToken += 1
                let token = state.waiterToken
                state.waiter = continuation
                state.timer = Task { [self] in
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    guard !Task.isCancelled else { return }
                    self.expire(token: token)
                }
            }
        }
    }

    private func expire(token: Int) {
        let expired: CheckedContinuation<[Event], Never>? = state.withLock { state in
            guard state.waiterToken == token, let waiter = state.waiter else { return nil }
            state.waiter = nil
            state.timer = nil
            return waiter
        }
        expired?.resume(returning: [])
    }
}
