import Foundation
import Logging
import Postgres

/// The driver of `DispatchStateMachine`: it owns the connections, performs
/// each action the machine asks for, and posts every result back to the
/// mailbox as an event. It decides nothing itself.
///
/// Connections: two claim lanes (a claim may be in flight on one while the
/// last one's jobs run and the next claim goes out on the other, so the
/// claim's commit and the handlers' work overlap), and a completer
/// connection for `done` outcomes, written in the background while the
/// lanes claim: on one backend the database could use only one core, and
/// batched claims and completions are CPU-bound on the server.
struct DispatchLoop: Sendable {
    let configuration: WorkerConfiguration
    let completer: Completer
    let executor: JobExecutor
    let running: RunningJobs
    let mailbox: Mailbox<DispatchStateMachine.Event>
    /// Outcomes by type, handler durations and claim sizes (see `WorkerMetrics`).
    let metrics: WorkerMetrics
    let logger: Logger

    /// Runs until shutdown has written every outcome, or the queue is idle with `exitWhenIdle`.
    func run(handlerPool: PostgresPool) async {
        let lanes = [
            PostgresConnection(configuration: configuration.database),
            PostgresConnection(configuration: configuration.database),
        ]
        let completerConnection = PostgresConnection(configuration: configuration.database)
        defer {
            Task {
                for lane in lanes { await lane.close() }; await completerConnection.close()
            }
        }
        var machine = DispatchStateMachine(
            configuration: .init(
                concurrency: configuration.concurrency, prefetch: configuration.prefetch,
                claimBatchSize: configuration.claimBatchSize, exitWhenIdle: configuration.exitWhenIdle,
                shutdownGrace: configuration.shutdownGrace, pollInterval: configuration.pollInterval,
                batchLimits: executor.batchLimits, lanes: lanes.count), now: .now)
        var actions = machine.handle(.tick(.now))
        while true {
            for action in actions {
                if perform(action, lanes: lanes, completerConnection: completerConnection, handlerPool: handlerPool) {
                    return
                }
            }
            let events = await mailbox.next(until: machine.deadline(now: .now))
            actions = []
            for event in events { actions += machine.handle(event) }
            actions += machine.handle(.tick(.now))
        }
    }

    /// Performs one action; true when the loop must end.
    private func perform(
        _ action: DispatchStateMachine.Action, lanes: [PostgresConnection],
        completerConnection: PostgresConnection, handlerPool: PostgresPool
    ) -> Bool {
        switch action {
        case .start(let jobs):
            start(jobs, handlerPool: handlerPool)
        case .forget(let ids):
            // Buffered jobs that never start: released at shutdown, or abandoned (cancelled, lease lost).
            for (jobType, stopReason) in running.forget(ids) {
                metrics.finished(jobType: jobType, stopReason == nil ? .release : .discard, duration: nil)
            }
        case .claim(let lane, let limit, let generation):
            Task { [completer, running, mailbox, metrics] in
                var jobs: [ClaimedJob] = []
                var failure: (any Error)?
                do {
                    jobs = try await completer.claim(limit: limit, on: lanes[lane])
                    metrics.claimed(jobs.count)
                } catch { failure = error }
                running.hold(jobs)
                mailbox.post(.claimed(lane: lane, limit: limit, generation: generation, jobs: jobs, error: failure))
            }
        case .writeDone(let records):
            Task { [completer, mailbox] in
                var failure: (any Error)?
                do { try await completer.write(records, on: completerConnection) } catch { failure = error }
                mailbox.post(.written(records, error: failure))
            }
        case .writeAndClaim(let lane, let records, let limit, let generation):
            Task { [completer, running, mailbox, metrics] in
                let turn = await completer.writeThenClaim(records, claimLimit: limit, on: lanes[lane])
                if limit > 0, turn.writeError == nil, turn.claimError == nil { metrics.claimed(turn.claimed.count) }
                running.hold(turn.claimed)
                mailbox.post(
                    .wroteAndClaimed(
                        lane: lane, written: records, limit: limit, generation: generation,
                        claimed: turn.claimed, writeError: turn.writeError,
                        claimError: turn.claimError, earliestDue: Self.earliestDue(records)))
            }
        case .lookUpNextDue(let lane):
            Task { [mailbox] in
                let at = (try? await wakeTime(on: lanes[lane])) ?? .now + configuration.pollInterval
                mailbox.post(.nextDue(lane: lane, at: at))
            }
        case .stopRunning:
            logger.warning("grace period over: cancelling and releasing running jobs", metadata: ["count": "\(running.count)"])
            running.stopAll(reason: .shutdown)
        case .shutdownBegan(let runningJobs, let released):
            logger.info(
                "shutting down: no new claims",
                metadata: [
                    "running": "\(runningJobs)", "released_unstarted": "\(released)",
                    "grace_s": "\(configuration.shutdownGrace.seconds)",
                ])
        case .databaseUnavailable(let error, let retryIn, let pending):
            logger.warning(
                "database unavailable: \(error); retrying in \(String(format: "%.1f", retryIn)) s",
                metadata: ["pending_writes": "\(pending)"])
        case .giveUp(let pending):
            logger.error(
                "giving up on writing outcomes during shutdown; their leases will expire and the jobs will run again",
                metadata: ["pending_writes": "\(pending)"])
        case .exit(let idle):
            if idle { logger.info("idle: no job due and none running; exiting") }
            return true
        }
        return false
    }

    /// Starts one unit in its own task. Jobs stopped while buffered (an
    /// operator cancel that raced the start) do not run; their outcome is
    /// what their stop reason says.
    private func start(_ jobs: [ClaimedJob], handlerPool: PostgresPool) {
        let startedAt = Date()
        let deadline = ContinuousClock.now + executor.timeout(for: jobs[0].jobType)
        let stopped = running.start(jobs.map(\.id), deadline: deadline, at: startedAt)
        let runnable = stopped.isEmpty ? jobs : jobs.filter { stopped[$0.id] == nil }
        guard let unit = runnable.first?.id else {
            mailbox.post(.finished(jobs.map { neverStarted($0) }))
            return
        }
        let task = Task { [executor, mailbox, metrics] in
            let began = ContinuousClock.now
            let completions = await executor.execute(runnable, handlerPool: handlerPool)
            let elapsed = ContinuousClock.now - began
            var records = zip(runnable, completions).map { job, completion in
                let record = finalize(
                    CompletionRecord(jobID: job.id, attempt: job.attempt, completion: completion, startedAt: startedAt))
                metrics.finished(jobType: job.jobType, record.completion, duration: elapsed)
                return record
            }
            for job in jobs where stopped[job.id] != nil { records.append(neverStarted(job)) }
            mailbox.post(.finished(records))
        }
        running.attach(task: task, toUnit: unit)
    }

    /// The outcome of a job stopped before its start (released or discarded), counted.
    private func neverStarted(_ job: ClaimedJob) -> CompletionRecord {
        let record = finalize(CompletionRecord(jobID: job.id, attempt: job.attempt, completion: .release))
        metrics.finished(jobType: job.jobType, record.completion, duration: nil)
        return record
    }

    /// Applies why a handler was stopped to what it returned, and stops tracking the job.
    private func finalize(_ record: CompletionRecord) -> CompletionRecord {
        let reason = running.remove(id: record.jobID)
        if case .done = record.completion { return record }
        switch reason {
        case .none: return record
        case .cancelledByOperator?, .leaseLost?: return record.with(.discard)
        case .shutdown?: return record.with(.release)
        case .timedOut?: return record  // the executor already turned the timeout into a failed attempt
        }
    }

    /// When the first retry or snooze among written outcomes falls due.
    private static func earliestDue(_ records: [CompletionRecord]) -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        for record in records {
            switch record.completion {
            case .retry(_, let at), .snooze(_, let at):
                let due = ContinuousClock.now + .milliseconds(Int(max(0, at.timeIntervalSinceNow) * 1000) + 1)
                earliest = min(earliest ?? due, due)
            default:
                break
            }
        }
        return earliest
    }

    /// When to look again: the next scheduled job, or the fallback poll, whichever is first.
    private func wakeTime(on connection: PostgresConnection) async throws -> ContinuousClock.Instant {
        let poll = ContinuousClock.now + configuration.pollInterval
        guard let due = try await completer.store.nextDue(types: configuration.types, on: connection) else { return poll }
        let wait = due.timeIntervalSinceNow
        if wait <= 0 { return poll }
        return min(poll, .now + .milliseconds(Int(wait * 1000) + 1))
    }
}
