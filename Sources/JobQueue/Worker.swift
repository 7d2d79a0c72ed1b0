import Foundation
import HTTPClient
import Logging
import Postgres
import ServiceLifecycle

/// One worker process's engine: claims due jobs, runs their handlers, writes
/// outcomes back, and keeps leases alive.
///
/// Three loops share the work:
/// - the **dispatch loop** (this task) is the only code that claims and
///   completes. Each turn it hands the `done` outcomes that arrived since the
///   last turn to a completer connection, which writes them in one statement
///   (one write in flight at a time), and claims into free slots on one of
///   two claim connections without waiting (results come back as events), so
///   claims, writes and handlers overlap. Other outcomes (retry, snooze,
///   release) are written with a claim in one pipelined round trip, write
///   first. Outcomes that finish meanwhile wait for the next batch, so
///   batching needs no timer.
/// - the **lease keeper** renews the leases of running jobs, cancels handlers
///   whose rows are no longer ours, and rescues other workers' expired leases.
/// - the **NOTIFY pump** wakes the dispatch loop when jobs are inserted and
///   cancels handlers named by `jobctl cancel`.
///
/// Guarantees (see README, "Guarantees"): execution is at-least-once. A job is
/// written `done` only after its handler returned; if the process dies between
/// the handler returning and that write, the lease runs out and the job runs
/// again.
public final class Worker: Service {
    public let configuration: WorkerConfiguration
    private let registry: HandlerRegistry
    private let http: any HTTPClient
    private let logger: Logger
    private let store: JobStore
    private let running = RunningJobs()
    private let mailbox = Mailbox<Event>()
    private let counters = WorkerCounters()

    enum Event: Sendable {
        case wake
        case finished(CompletionRecord)
        /// The completer wrote (or failed to write) a batch of `done` outcomes.
        case written([CompletionRecord], (any Error)?)
        /// A claim on `lane` came back (`limit` slots were reserved for it).
        case claimed(lane: Int, limit: Int, generation: Int, jobs: [ClaimedJob], error: (any Error)?)
        /// SIGTERM/SIGINT: stop claiming, give running jobs the grace period.
        case shutdown
        /// The worker's task was cancelled: release running jobs at once.
        case shutdownNow
    }

    public init(configuration: WorkerConfiguration, registry: HandlerRegistry,
                http: any HTTPClient = URLSessionHTTPClient(), logger: Logger) {
        self.configuration = configuration
        self.registry = registry
        self.http = http
        var logger = logger
        logger[metadataKey: "worker_id"] = "\(configuration.workerID)"
        self.logger = logger
        self.store = JobStore(workerID: configuration.workerID, leaseSeconds: configuration.leaseDuration.seconds)
    }

    /// Jobs handled since start, by outcome.
    public var processed: WorkerCounters.Snapshot { counters.snapshot() }

    public func run() async throws {
        logger.info("worker starting", metadata: [
            "concurrency": "\(configuration.concurrency)",
            "types": "\(configuration.types?.joined(separator: ",") ?? "all")",
            "database": "\(configuration.database.redactedDescription)",
        ])
        let handlerPool = PostgresPool(configuration: configuration.database, maxConnections: configuration.handlerPoolSize)
        let listener = PostgresListener(
            configuration: configuration.database,
            channels: [Self.wakeChannel, Self.cancelChannel],
            onError: { [logger] error in logger.warning("listener: \(error); reconnecting") }
        )
        listener.start()
        let pump = Task { [mailbox, running, logger] in
            for await event in listener.events {
                switch event {
                case .connected:
                    mailbox.post(.wake)
                case .notification(Self.cancelChannel, let payload):
                    if let id = Int64(payload), running.stop(id: id, reason: .cancelledByOperator) {
                        logger.info("job cancelled by operator", metadata: ["job_id": "\(id)"])
                    }
                case .notification:
                    mailbox.post(.wake)
                }
            }
        }
        let keeper = Task { await leaseKeeper() }
        let watchdog = Task { await timeoutWatchdog() }
        let maintenance = startMaintenance(logger: logger); defer { maintenance.cancel() } // Worker+Maintenance.swift
        // The loop runs in an unstructured task so that cancelling `run()` does
        // not cancel the loop's own database writes: cancellation becomes an
        // immediate shutdown, which still writes every outcome it holds.
        let loop = Task { await dispatchLoop(handlerPool: handlerPool) }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await loop.value
            } onGracefulShutdown: { [mailbox] in
                mailbox.post(.shutdown)
            }
        } onCancel: { [mailbox] in
            mailbox.post(.shutdownNow)
        }
        keeper.cancel()
        watchdog.cancel()
        listener.stop()
        pump.cancel()
        await handlerPool.close()
        let totals = counters.snapshot()
        logger.info("worker stopped", metadata: [
            "done": "\(totals.done)", "retried": "\(totals.retried)", "failed": "\(totals.failed)",
        ])
    }

    /// NOTIFY channel the insert trigger and `jobctl run-now` use.
    public static let wakeChannel = "marketplace_job"
    /// NOTIFY channel `jobctl cancel` uses; the payload is the job id.
    public static let cancelChannel = "marketplace_job_cancel"

    // MARK: Dispatch loop

    private func dispatchLoop(handlerPool: PostgresPool) async {
        let connection = PostgresConnection(configuration: configuration.database)
        // `done` outcomes are written on a second connection in the background
        // while this loop claims: on one backend the database could use only one
        // core, and batched claims and completions are CPU-bound on the server.
        let completer = PostgresConnection(configuration: configuration.database)
        // Two claim lanes: a claim may be in flight on one while the jobs of the
        // last one run and a second claim goes out on the other, so the claim's
        // commit and the handlers' work overlap instead of taking turns.
        let lanes = [connection, PostgresConnection(configuration: configuration.database)]
        defer { Task { for lane in lanes { await lane.close() }; await completer.close() } }
        var idleLanes = [1, 0]
        /// Slots promised to claims in flight.
        var reserved = 0
        var claimsInFlight = 0
        /// Counts wake-ups, so a claim that comes back short does not clear a
        /// wake-up that arrived while it was in flight.
        var wakeGeneration = 0
        /// A second claim goes out only when it can fill this many slots.
        let overlapClaimMinimum = max(1, min(configuration.claimBatchSize, configuration.concurrency) / 4)
        /// `done` outcomes not yet handed to the completer (one batch in flight at a time).
        var doneOutcomes: [CompletionRecord] = []
        /// Every other outcome: written in order with the next claim (see `roundTrip`).
        var otherOutcomes: [CompletionRecord] = []
        var writing = false
        var wantClaim = true
        var shuttingDown = false
        var shutdownDeadline: ContinuousClock.Instant?
        var releasedForShutdown = false
        var nextWake = ContinuousClock.now
        var failureBackoff = 0.1
        var retryAt: ContinuousClock.Instant?

        /// Backs off after a failed write or claim; true when shutdown should give up.
        func noteFailure(_ error: any Error) -> Bool {
            let pending = doneOutcomes.count + otherOutcomes.count
            logger.warning("database unavailable: \(error); retrying in \(String(format: "%.1f", failureBackoff)) s",
                           metadata: ["pending_writes": "\(pending)"])
            retryAt = .now + .milliseconds(Int(failureBackoff * 1000))
            failureBackoff = min(failureBackoff * 2, 5)
            if shuttingDown, let shutdownDeadline, ContinuousClock.now > shutdownDeadline + .seconds(10) {
                logger.error("giving up on writing outcomes during shutdown; their leases will expire and the jobs will run again",
                             metadata: ["pending_writes": "\(pending)"])
                return true
            }
            return false
        }

        while true {
            // 1. Take what happened since the last turn.
            let free = configuration.concurrency - running.count - reserved
            let canLaunchClaim = !idleLanes.isEmpty && otherOutcomes.isEmpty
                && (claimsInFlight == 0 || free >= overlapClaimMinimum)
            let workReady = (wantClaim && free > 0 && !shuttingDown && canLaunchClaim)
                || (!otherOutcomes.isEmpty && !idleLanes.isEmpty) || (!writing && !doneOutcomes.isEmpty)
            // With every slot busy (or while shutting down, or while done
            // outcomes wait for the write in flight) only an event can make work:
            // sleep until one arrives rather than spin on a past `nextWake`.
            var deadline = workReady ? ContinuousClock.now
                : (wantClaim || shuttingDown || writing || claimsInFlight > 0) ? ContinuousClock.now + configuration.pollInterval : nextWake
            if let shutdownDeadline, !releasedForShutdown { deadline = min(deadline, shutdownDeadline) }
            if let retryAt { deadline = max(deadline, retryAt) }
            var giveUp = false
            var drainedLane: Int?
            var wakeAgain = false
            for event in await mailbox.next(until: deadline) {
                switch event {
                case .wake:
                    wantClaim = true
                    wakeGeneration &+= 1
                case .finished(let record):
                    let outcome = finalize(record)
                    if case .done = outcome.completion { doneOutcomes.append(outcome) } else { otherOutcomes.append(outcome) }
                    if configuration.exitWhenIdle { wantClaim = true; wakeGeneration &+= 1 }
                case .claimed(let lane, let limit, let generation, let jobs, let error):
                    claimsInFlight -= 1
                    reserved -= limit
                    idleLanes.append(lane)
                    if shuttingDown {
                        // Claimed as shutdown began: release them unstarted, attempt refunded.
                        for job in jobs {
                            otherOutcomes.append(CompletionRecord(jobID: job.id, attempt: job.attempt, completion: .release))
                        }
                    } else {
                        for job in jobs { start(job, handlerPool: handlerPool) }
                    }
                    if let error {
                        if noteFailure(error) { giveUp = true }
                    } else if jobs.count == limit {
                        failureBackoff = 0.1
                        wantClaim = true // a full batch: more may be waiting
                    } else {
                        // Nothing more was due when the claim ran. A wake-up that
                        // came in while it was in flight may be newer than that:
                        // look again after working out the next wake time.
                        failureBackoff = 0.1
                        wantClaim = false
                        drainedLane = lane
                        if generation != wakeGeneration { wakeAgain = true }
                    }
                case .written(let batch, let error):
                    writing = false
                    if let error {
                        doneOutcomes.insert(contentsOf: batch, at: 0)
                        if noteFailure(error) { giveUp = true }
                    } else {
                        failureBackoff = 0.1
                    }
                case .shutdownNow:
                    shuttingDown = true
                    shutdownDeadline = .now
                case .shutdown:
                    if !shuttingDown {
                        shuttingDown = true
                        shutdownDeadline = .now + configuration.shutdownGrace
                        logger.info("shutting down: no new claims", metadata: [
                            "running": "\(running.count)", "grace_s": "\(configuration.shutdownGrace.seconds)",
                        ])
                    }
                }
            }
            if giveUp { break }
            // The queue looked drained: work out when to look again. Outcomes
            // waiting to be written go first (step 3c); this then happens after
            // the claim that follows them.
            if let lane = drainedLane, !wantClaim, otherOutcomes.isEmpty {
                do { nextWake = try await wakeTime(on: lanes[lane]) } catch { nextWake = .now + configuration.pollInterval }
                if wakeAgain { nextWake = .now }
            }
            if let until = retryAt, ContinuousClock.now < until { continue }
            retryAt = nil

            // 2. Shutdown: past the grace period, cancel what still runs; its
            //    outcome comes back as `.release`.
            if shuttingDown, let shutdownDeadline, !releasedForShutdown, ContinuousClock.now >= shutdownDeadline {
                releasedForShutdown = true
                if !running.isEmpty {
                    logger.warning("grace period over: cancelling and releasing running jobs", metadata: ["count": "\(running.count)"])
                    running.stopAll(reason: .shutdown)
                }
            }

            // 3a. Done outcomes to the completer, without waiting for the write.
            //     The result comes back as `.written`.
            if !writing && !doneOutcomes.isEmpty {
                let batch = doneOutcomes.filter { $0.completion != .discard }
                doneOutcomes.removeAll(keepingCapacity: true)
                writing = true
                Task { [self] in
                    var failure: (any Error)?
                    do { try await write(batch, on: completer) } catch { failure = error }
                    mailbox.post(.written(batch, failure))
                }
            }

            // 3b. Claim into free slots without waiting for the result, which
            //     comes back as `.claimed`.
            let slots = configuration.concurrency - running.count - reserved
            let limit = (shuttingDown || !wantClaim) ? 0 : min(slots, configuration.claimBatchSize)
            let launch = otherOutcomes.isEmpty && limit > 0 && (claimsInFlight == 0 || limit >= overlapClaimMinimum)
            if launch, let lane = idleLanes.popLast() {
                claimsInFlight += 1
                reserved += limit
                let generation = wakeGeneration
                Task { [self] in
                    var jobs: [ClaimedJob] = []
                    var failure: (any Error)?
                    do { jobs = try await claim(limit: limit, on: lanes[lane]) } catch { failure = error }
                    mailbox.post(.claimed(lane: lane, limit: limit, generation: generation, jobs: jobs, error: failure))
                }
            } else if !otherOutcomes.isEmpty, let lane = idleLanes.contains(0) ? 0 : idleLanes.last {
                // 3c. Other outcomes: write, then claim, in one round trip; no new
                //     claim goes out before this write (see `roundTrip` for why the
                //     order matters). Claims already in flight were sent before these
                //     outcomes existed, as in any earlier turn. Lane 0 first: it is
                //     already connected (lane 1 opens on first use; a connect here
                //     would delay the write).
                let turn = await roundTrip(completions: otherOutcomes, claimLimit: limit, on: lanes[lane])
                // Claimed rows are ours even when the write half failed: run them.
                for job in turn.claimed { start(job, handlerPool: handlerPool) }
                if turn.writeError == nil {
                    // Wake when the earliest retry or snooze just written falls due,
                    // not at the next poll.
                    for outcome in otherOutcomes {
                        switch outcome.completion {
                        case .retry(_, let at), .snooze(_, let at):
                            let wait = max(0, at.timeIntervalSinceNow)
                            nextWake = min(nextWake, .now + .milliseconds(Int(wait * 1000) + 1))
                        default:
                            break
                        }
                    }
                    otherOutcomes.removeAll(keepingCapacity: true)
                }
                do {
                    if let error = turn.writeError ?? turn.claimError { throw error }
                    failureBackoff = 0.1
                    if limit > 0 {
                        // A full batch means more may be waiting: claim again at once.
                        wantClaim = turn.claimed.count == limit
                        if !wantClaim { nextWake = try await wakeTime(on: lanes[lane]) }
                    }
                } catch {
                    if noteFailure(error) { break }
                    continue
                }
            } else if !shuttingDown && !wantClaim && claimsInFlight == 0 && ContinuousClock.now >= nextWake {
                wantClaim = true
                continue
            }

            // 4. Leave when there is nothing left to do.
            let settled = running.isEmpty && doneOutcomes.isEmpty && otherOutcomes.isEmpty && !writing && claimsInFlight == 0
            if shuttingDown && settled { break }
            if configuration.exitWhenIdle && !wantClaim && settled {
                logger.info("idle: no job due and none running; exiting")
                break
            }
        }
    }

    /// What one turn achieved. A failed write keeps its outcomes for the next
    /// turn; writing them twice is harmless, because the write is guarded on
    /// the claimed attempt and matches nothing once the row has moved on.
    struct RoundTrip {
        var claimed: [ClaimedJob] = []
        var writeError: (any Error)?
        var claimError: (any Error)?
    }

    /// Writes non-`done` outcomes and claims into free slots, in one round
    /// trip: write first, then claim, pipelined on one connection. The order
    /// matters: a retry, snooze or release may hand its `unique_key` over to a
    /// newer pending job, which the claim must not take first.
    private func roundTrip(completions: [CompletionRecord], claimLimit: Int, on connection: PostgresConnection) async -> RoundTrip {
        let writes = completions.filter { $0.completion != .discard }
        var turn = RoundTrip()
        if writes.isEmpty {
            if claimLimit > 0 {
                do { turn.claimed = try await claim(limit: claimLimit, on: connection) } catch { turn.claimError = error }
            }
            return turn
        }
        if claimLimit == 0 {
            do { try await write(writes, on: connection) } catch { turn.writeError = error }
            return turn
        }
        do {
            let complete = store.completeStatement(writes)
            let claim = store.claimStatement(limit: claimLimit, types: configuration.types)
            let results = try await connection.pipeline([complete, claim])
            turn.claimed = try results[1].rows.map(ClaimedJob.init(row:))
        } catch let error as PostgresError where !error.isConnectionProblem {
            // Refused batch (say a result jsonb cannot hold): write one by one, then claim.
            logger.error("batch write refused (\(error)); writing outcomes one by one")
            do { try await completeIndividually(writes, on: connection) } catch { turn.writeError = error; return turn }
            do { turn.claimed = try await claim(limit: claimLimit, on: connection) } catch { turn.claimError = error }
        } catch {
            turn.writeError = error
        }
        return turn
    }

    private func claim(limit: Int, on connection: PostgresConnection) async throws -> [ClaimedJob] {
        let statement = store.claimStatement(limit: limit, types: configuration.types)
        return try await connection.query(statement.sql, statement.parameters).rows.map(ClaimedJob.init(row:))
    }

    private func write(_ writes: [CompletionRecord], on connection: PostgresConnection) async throws {
        let statement = store.completeStatement(writes)
        do {
            try await connection.query(statement.sql, statement.parameters)
        } catch let error as PostgresError where !error.isConnectionProblem {
            // A batch the server refuses (say a result jsonb cannot hold) must not
            // block every other outcome: write them one by one.
            logger.error("batch write refused (\(error)); writing outcomes one by one")
            try await completeIndividually(writes, on: connection)
        }
    }

    private func completeIndividually(_ records: [CompletionRecord], on connection: PostgresConnection) async throws {
        for record in records {
            let statement = store.completeStatement([record])
            do {
                try await connection.query(statement.sql, statement.parameters)
            } catch let error as PostgresError where !error.isConnectionProblem {
                let fallback = CompletionRecord(jobID: record.jobID, attempt: record.attempt,
                                                completion: .failed(error: "the outcome could not be stored: \(error)"))
                let retry = store.completeStatement([fallback])
                try await connection.query(retry.sql, retry.parameters)
            }
        }
    }

    /// When to look again: the next scheduled job, or the fallback poll, whichever is first.
    private func wakeTime(on connection: PostgresConnection) async throws -> ContinuousClock.Instant {
        let poll = ContinuousClock.now + configuration.pollInterval
        guard let due = try await store.nextDue(types: configuration.types, on: connection) else { return poll }
        let wait = due.timeIntervalSinceNow
        if wait <= 0 { return poll }
        return min(poll, .now + .milliseconds(Int(wait * 1000) + 1))
    }

    /// Applies why a handler was stopped to what it returned.
    private func finalize(_ record: CompletionRecord) -> CompletionRecord {
        let reason = running.remove(id: record.jobID)
        if case .done = record.completion { return record }
        switch reason {
        case .none: return record
        case .cancelledByOperator?, .leaseLost?:
            return CompletionRecord(jobID: record.jobID, attempt: record.attempt, completion: .discard)
        case .shutdown?:
            return CompletionRecord(jobID: record.jobID, attempt: record.attempt, completion: .release)
        case .timedOut?:
            return record // `execute` already turned the timeout into a failed attempt
        }
    }

    // MARK: Running one job

    private func start(_ job: ClaimedJob, handlerPool: PostgresPool) {
        running.insert(id: job.id, attempt: job.attempt, deadline: .now + timeout(for: job.jobType))
        let task = Task { [self] in
            let completion = await execute(job, handlerPool: handlerPool)
            mailbox.post(.finished(CompletionRecord(jobID: job.id, attempt: job.attempt, completion: completion)))
        }
        running.attach(task: task, to: job.id)
    }

    private func execute(_ job: ClaimedJob, handlerPool: PostgresPool) async -> Completion {
        var log = logger
        // One metadata write, not three: StreamLogHandler re-renders all of its
        // metadata on every write, which was ~10% of a no-op job's CPU.
        log.handler.metadata.merge(["job_id": "\(job.id)", "job_type": "\(job.jobType)", "attempt": "\(job.attempt)"]) { $1 }
        let started = ContinuousClock.now

        guard let handler = registry.handler(for: job.jobType) else {
            let known = registry.jobTypes.joined(separator: ", ")
            return report(.failed(error: "unknown job_type '\(job.jobType)': this worker knows \(known). Fix job_type, or run a worker that registers this type."),
                          job: job, log: log, started: started, secrets: [])
        }
        var account: MarketplaceAccount?
        if let accountID = job.accountID {
            do {
                account = try await MarketplaceAccount.load(id: accountID, from: handlerPool)
            } catch {
                return report(retryOrFail(job, "could not load account \(accountID): \(error)"), job: job, log: log, started: started, secrets: [])
            }
            guard let loaded = account else {
                return report(.failed(error: "account_id \(accountID) does not exist in marketplace_account"),
                              job: job, log: log, started: started, secrets: [])
            }
            guard loaded.syncEnabled else {
                return report(.failed(error: "account \(accountID) (\(loaded.name)) has sync_enabled = false; enable it, then jobctl retry \(job.id)"),
                              job: job, log: log, started: started, secrets: [])
            }
        } else if handler.requiresAccount {
            return report(.failed(error: "\(job.jobType) needs account_id; set it to the id of a marketplace_account"),
                          job: job, log: log, started: started, secrets: [])
        }
        let secrets = account?.credentials.secretValues ?? []
        let context = JobContext(jobID: job.id, jobType: job.jobType, attempt: job.attempt, maxAttempts: job.maxAttempts,
                                 account: account, database: handlerPool, logger: log, http: http)
        log.debug("job started")
        do {
            let result = try await handler.run(payload: job.payload, context: context)
            return report(.done(result: result), job: job, log: log, started: started, secrets: secrets)
        } catch where running.stopReason(id: job.id) == .timedOut {
            // The timeout watchdog cancelled the handler; whatever it threw, the attempt timed out.
            return report(retryOrFail(job, "timed out after \(Self.describe(timeout(for: job.jobType))); the handler was cancelled"),
                          job: job, log: log, started: started, secrets: secrets)
        } catch let error as JobError {
            switch error {
            case .permanent(let message):
                return report(.failed(error: message), job: job, log: log, started: started, secrets: secrets)
            case .retryable(let message):
                return report(retryOrFail(job, message), job: job, log: log, started: started, secrets: secrets)
            case .retryAfter(let date, _):
                return report(.snooze(note: error.description, until: date), job: job, log: log, started: started, secrets: secrets)
            }
        } catch is CancellationError where Task.isCancelled {
            // Stopped from outside (operator, lost lease, shutdown); `finalize`
            // decides what to write from the stop reason.
            return .release
        } catch {
            return report(retryOrFail(job, String(describing: error)), job: job, log: log, started: started, secrets: secrets)
        }
    }

    private func retryOrFail(_ job: ClaimedJob, _ message: String) -> Completion {
        if job.attempt >= job.maxAttempts {
            return .failed(error: "\(message) (attempt \(job.attempt) of \(job.maxAttempts); no attempts left)")
        }
        let delay = configuration.retryPolicy.delay(afterAttempt: job.attempt)
        return .retry(error: message, at: Date().addingTimeInterval(delay))
    }

    /// Scrubs secrets, logs the outcome and counts it.
    private func report(_ completion: Completion, job: ClaimedJob, log: Logger, started: ContinuousClock.Instant,
                        secrets: [String]) -> Completion {
        let completion = Self.scrub(completion, secrets: secrets)
        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = ["duration_ms": "\(Int(elapsed.seconds * 1000))"]
        switch completion {
        case .done:
            counters.count(\.done)
            log.debug("job done", metadata: metadata)
        case .retry(let error, let at):
            counters.count(\.retried)
            metadata["error"] = "\(error)"
            metadata["next_run_at"] = "\(at.formatted(.iso8601))"
            log.warning("job failed; will retry", metadata: metadata)
        case .failed(let error):
            counters.count(\.failed)
            metadata["error"] = "\(error)"
            log.error("job failed permanently", metadata: metadata)
        case .snooze(let note, _):
            counters.count(\.snoozed)
            metadata["reason"] = "\(note)"
            log.info("job deferred without spending an attempt", metadata: metadata)
        case .release, .discard:
            break
        }
        return completion
    }

    /// Removes every credential value from error text and results: handlers
    /// should never put secrets there, and this makes sure they cannot.
    static func scrub(_ completion: Completion, secrets: [String]) -> Completion {
        guard !secrets.isEmpty else { return completion }
        func clean(_ text: String) -> String {
            secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
        }
        switch completion {
        case .done(let result):
            let text = String(decoding: result, as: UTF8.self)
            let cleaned = clean(text)
            return cleaned == text ? completion : .done(result: Data(cleaned.utf8))
        case .retry(let error, let at): return .retry(error: clean(error), at: at)
        case .failed(let error): return .failed(error: clean(error))
        case .snooze(let note, let until): return .snooze(note: clean(note), until: until)
        case .release, .discard: return completion
        }
    }

    /// An attempt's time limit: `--timeout` override, else the handler's own.
    private func timeout(for jobType: String) -> Duration {
        configuration.timeoutOverrides[jobType] ?? registry.handler(for: jobType)?.timeout ?? .seconds(300)
    }

    static func describe(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds >= 1 && seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(Int(seconds * 1000)) ms"
    }

    // MARK: Timeout watchdog

    /// Cancels handlers past their deadline. One loop for all jobs; it wakes
    /// often enough that an attempt overruns its limit by at most a quarter of
    /// the shortest limit configured (and never by more than a second).
    private func timeoutWatchdog() async {
        var shortest = configuration.timeoutOverrides.values.min() ?? .seconds(300)
        for type in registry.jobTypes {
            if let timeout = registry.handler(for: type)?.timeout { shortest = min(shortest, timeout) }
        }
        let tick = min(.seconds(1), max(.milliseconds(10), shortest / 4))
        while !Task.isCancelled {
            running.stopOverdue()
            try? await Task.sleep(for: tick)
        }
    }

    // MARK: Lease keeper

    private func leaseKeeper() async {
        let connection = PostgresConnection(configuration: configuration.database)
        let interval = configuration.leaseDuration / 3
        var nextRescue = ContinuousClock.now
        var lastSummary = ContinuousClock.now
        var lastFailureLog: ContinuousClock.Instant?
        while !Task.isCancelled {
            do {
                let jobs = running.snapshot()
                if !jobs.isEmpty {
                    for id in try await store.heartbeat(jobs, on: connection) where running.stop(id: id, reason: .leaseLost) {
                        logger.warning("job is no longer ours (cancelled or rescued); stopping its handler", metadata: ["job_id": "\(id)"])
                    }
                }
                if ContinuousClock.now >= nextRescue {
                    let rescued = try await store.rescueExpired(on: connection)
                    if rescued.requeued + rescued.failed > 0 {
                        logger.warning("rescued jobs whose lease expired", metadata: [
                            "requeued": "\(rescued.requeued)", "failed": "\(rescued.failed)",
                        ])
                        mailbox.post(.wake)
                    }
                    let spread = Double.random(in: 0.5...1.5)
                    nextRescue = .now + .milliseconds(Int(configuration.leaseDuration.seconds * 500 * spread))
                }
                lastFailureLog = nil
            } catch {
                if lastFailureLog.map({ ContinuousClock.now - $0 > .seconds(10) }) ?? true {
                    logger.warning("lease keeper: \(error)")
                    lastFailureLog = .now
                }
            }
            if ContinuousClock.now - lastSummary >= .seconds(60) {
                let totals = counters.snapshot()
                logger.info("worker progress", metadata: [
                    "done": "\(totals.done)", "retried": "\(totals.retried)", "failed": "\(totals.failed)",
                    "running": "\(running.count)",
                ])
                lastSummary = .now
            }
            try? await Task.sleep(for: min(interval, .seconds(10)))
        }
        await connection.close()
    }
}
