import Foundation

@testable import JobQueue

/// Drives a `DispatchStateMachine` by hand in tests: a clock that only moves
/// when told, and helpers to pick actions out of a turn.
struct MachineDriver {
    var machine: DispatchStateMachine
    var now = ContinuousClock.now

    init(
        concurrency: Int, prefetch: Int, claimBatch: Int = 100, exitWhenIdle: Bool = false,
        batchLimits: [String: Int] = [:]
    ) {
        machine = DispatchStateMachine(
            configuration: .init(
                concurrency: concurrency, prefetch: prefetch, claimBatchSize: claimBatch, exitWhenIdle: exitWhenIdle,
                shutdownGrace: .seconds(5), pollInterval: .seconds(5), batchLimits: batchLimits), now: now)
    }

    /// Feeds events, then ends the turn; returns every action of the turn.
    mutating func turn(_ events: DispatchStateMachine.Event..., after delay: Duration = .milliseconds(1))
        -> [DispatchStateMachine.Action]
    {
        var actions: [DispatchStateMachine.Action] = []
        for event in events { actions += machine.handle(event) }
        now += delay
        return actions + machine.handle(.tick(now))
    }
}

/// A claimed job for the machine (it never looks at the payload).
func job(_ id: Int64, type: String = "test.job", account: Int64? = nil, attempt: Int = 1) -> ClaimedJob {
    ClaimedJob(id: id, jobType: type, accountID: account, attempt: attempt, maxAttempts: 5)
}

func record(_ job: ClaimedJob, _ completion: Completion) -> CompletionRecord {
    CompletionRecord(jobID: job.id, attempt: job.attempt, completion: completion, startedAt: Date())
}

struct WriteFailed: Error {}

extension Array where Element == DispatchStateMachine.Action {
    var claims: [(lane: Int, limit: Int, generation: Int)] {
        compactMap { if case .claim(let lane, let limit, let generation) = $0 { (lane, limit, generation) } else { nil } }
    }
    var starts: [[ClaimedJob]] {
        compactMap { if case .start(let jobs) = $0 { jobs } else { nil } }
    }
    var startedIDs: [Int64] { starts.flatMap { $0.map(\.id) } }
    var doneWrites: [[CompletionRecord]] {
        compactMap { if case .writeDone(let records) = $0 { records } else { nil } }
    }
    var writeAndClaims: [(lane: Int, outcomes: [CompletionRecord], limit: Int, generation: Int)] {
        compactMap {
            if case .writeAndClaim(let lane, let outcomes, let limit, let generation) = $0 {
                (lane, outcomes, limit, generation)
            } else {
                nil
            }
        }
    }
    var forgotten: [Int64] {
        flatMap { action -> [Int64] in if case .forget(let ids) = action { ids } else { [] } }
    }
    var exits: Bool { contains { if case .exit = $0 { true } else { false } } }
    var failures: Int { filter { if case .databaseUnavailable = $0 { true } else { false } }.count }
}
