/// The dispatch loop's decisions, as a value type with no I/O: it is told what
/// happened (`Event`) and answers with what to do (`Action`), which the
/// `DispatchLoop` performs, posting each result back as an event. Everything
/// about slots, the claim-ahead buffer, write ordering, backoff and shutdown
/// is decided here, so it can be tested without a database (see
/// `Tests/JobQueueUnitTests/DispatchStateMachineTests.swift`).
///
/// The rules it keeps:
/// - **Capacity.** Jobs held (running, buffered, and promised to claims in
///   flight) never exceed `concurrency + prefetch`, and jobs running never
///   exceed `concurrency`. A batch of k jobs takes k slots.
/// - **Write order.** A retry, snooze or release outcome may hand its
///   `unique_key` over to a newer pending job, which a claim must not take
///   first: while such outcomes are unwritten, or their write is in flight,
///   no claim goes out except the one pipelined behind that write.
/// - **No lost outcome.** A write that fails puts its outcomes back, ahead of
///   newer ones, and is tried again after a capped backoff (0.1 s to 5 s).
/// - **Shutdown.** No new claims; buffered jobs are released unstarted at once
///   (the release gives the attempt back); running jobs get the grace period,
///   then are stopped and released; every outcome is written before `exit`.
struct DispatchStateMachine {
    /// What the machine needs from `WorkerConfiguration`, plus the batch size of each job type.
    struct Configuration {
        var concurrency: Int
        var prefetch: Int
        var claimBatchSize: Int
        var exitWhenIdle: Bool
        var shutdownGrace: Duration
        var pollInterval: Duration
        /// Most jobs one handler call takes, by type; absent types take one.
        var batchLimits: [String: Int] = [:]
        /// Claim connections; the first is the one the loop opens first.
        var lanes = 2
    }

    /// Something that happened; `tick` ends a turn and is when the machine acts.
    enum Event {
        /// A NOTIFY, a reconnect, or a rescue: jobs may be due.
        case wake
        /// One unit (one job, or one batch) finished: its outcomes, already
        /// adjusted for why it was stopped.
        case finished([CompletionRecord])
        /// A claim on `lane` came back; `limit` slots were promised to it.
        case claimed(lane: Int, limit: Int, generation: Int, jobs: [ClaimedJob], error: (any Error)?)
        /// The completer wrote (or failed to write) a batch of `done` outcomes.
        case written([CompletionRecord], error: (any Error)?)
        /// Other outcomes were written and a claim made behind them on `lane`.
        /// `earliestDue` is when the first retry or snooze just written falls due.
        case wroteAndClaimed(
            lane: Int, written: [CompletionRecord], limit: Int, generation: Int,
            claimed: [ClaimedJob], writeError: (any Error)?, claimError: (any Error)?,
            earliestDue: ContinuousClock.Instant?)
        /// When the next scheduled job falls due (or the fallback poll), looked up on `lane`.
        case nextDue(lane: Int, at: ContinuousClock.Instant)
        /// A buffered job is no longer ours (cancelled by an operator, or its
        /// lease lost): it must never start.
        case abandoned(Int64)
        /// SIGTERM/SIGINT: stop claiming, give running jobs the grace period.
        case shutdown
        /// The worker's task was cancelled: stop running jobs at once.
        case shutdownNow
        /// End of a turn, at `now`: act on everything that happened.
        case tick(ContinuousClock.Instant)
    }

    /// What the driver must do. Results come back as events.
    enum Action {
        /// Run these jobs' handlers now, as one unit (one job, or one batch of
        /// one type and account): its outcomes come back as one `.finished`.
        case start([ClaimedJob])
        /// Stop tracking these buffered jobs: they were released or abandoned.
        case forget([Int64])
        /// Claim up to `limit` jobs on `lane`; the result comes back as `.claimed`.
        case claim(lane: Int, limit: Int, generation: Int)
        /// Write `done` outcomes on the completer connection; back as `.written`.
        case writeDone([CompletionRecord])
        /// Write other outcomes, then claim up to `limit` (0: none), pipelined
        /// on `lane`; back as `.wroteAndClaimed`.
        case writeAndClaim(lane: Int, outcomes: [CompletionRecord], limit: Int, generation: Int)
        /// Look up when the next job is due on `lane`; back as `.nextDue`.
        case lookUpNextDue(lane: Int)
        /// The grace period is over: cancel running handlers (they are released).
        case stopRunning
        /// Shutdown began: how many jobs run, how many buffered ones were released.
        case shutdownBegan(running: Int, released: Int)
        /// A write or claim failed; the machine retries after `retryIn` seconds.
        case databaseUnavailable(any Error, retryIn: Double, pendingWrites: Int)
        /// Shutting down, writes kept failing well past the grace period: give up
        /// (the leases will expire and the jobs run again).
        case giveUp(pendingWrites: Int)
        /// Leave the loop; `idle` for `exitWhenIdle`, else after shutdown or giving up.
        case exit(idle: Bool)
    }

    let configuration: Configuration

    // Slots and the buffer
    var runningJobs = 0
    var buffer: [ClaimedJob] = []
    /// Slots promised to claims in flight.
    var reserved = 0
    var claimsInFlight = 0
    var lookupsInFlight = 0
    var idleLanes: [Int]
    /// A lane whose claim came back short: look up the next due time on it at the tick.
    var lookupLane: Int?
    /// Claim order: jobs start in the order their claims were sent, so a
    /// claim that comes back before an earlier one waits for it (its jobs are
    /// parked). Each lane has at most one claim in flight.
    var nextClaimSequence = 0
    var laneClaimSequence: [Int: Int] = [:]
    var claimSequencesInFlight: [Int] = []
    var parked: [Int: [ClaimedJob]] = [:]
    var parkedCount = 0

    // Claiming
    var wantClaim = true
    /// Counts wake-ups, so a claim that comes back short does not clear a
    /// wake-up that arrived while it was in flight.
    var wakeGeneration = 0
    var nextWake: ContinuousClock.Instant

    // Outcomes
    /// `done` outcomes not yet handed to the completer (one batch in flight at a time).
    var doneOutcomes: [CompletionRecord] = []
    /// Every other outcome: written in order, each write ahead of the next claim.
    var otherOutcomes: [CompletionRecord] = []
    var writingDone = false
    var writingOther = false

    // Failures
    var failure: (any Error)?
    var failureBackoff = 0.1
    var retryAt: ContinuousClock.Instant?

    // Shutdown
    var shutdownRequested = false
    var shutdownNowRequested = false
    var shuttingDown = false
    var shutdownDeadline: ContinuousClock.Instant?
    var stoppedRunning = false
    var exited = false

    init(configuration: Configuration, now: ContinuousClock.Instant) {
        self.configuration = configuration
        idleLanes = Array((0..<max(1, configuration.lanes)).reversed())
        nextWake = now
    }

    /// A second claim goes out only when it can fill this many slots.
    var overlapClaimMinimum: Int {
        max(1, min(configuration.claimBatchSize, configuration.concurrency + configuration.prefetch) / 4)
    }

    /// Jobs a claim may take now without exceeding `concurrency + prefetch` held.
    var claimCapacity: Int {
        max(0, configuration.concurrency + configuration.prefetch - runningJobs - buffer.count - parkedCount - reserved)
    }

    /// Every outcome this machine holds and has not seen written.
    var pendingWrites: Int { doneOutcomes.count + otherOutcomes.count }
}
