import Foundation
import HTTPClient
import Logging
import Postgres

/// Runs one unit of work, one job or one batch of one type and account, and
/// turns whatever happened into one `Completion` per job: the handler's
/// result, a retry with backoff, a permanent failure, a snooze. Secrets are
/// scrubbed out of every outcome, and every outcome is logged and counted.
struct JobExecutor: Sendable {
    let registry: HandlerRegistry
    let http: any HTTPClient
    let logger: Logger
    let counters: WorkerCounters
    let running: RunningJobs
    let retryPolicy: RetryPolicy
    let timeoutOverrides: [String: Duration]
    /// This worker's `locked_by`: the guard of its progress writes.
    let workerID: String

    /// An attempt's time limit: `--timeout` override, else the handler's own.
    func timeout(for jobType: String) -> Duration {
        timeoutOverrides[jobType] ?? registry.handler(for: jobType)?.timeout ?? .seconds(300)
    }

    /// Most jobs one handler call takes, by registered type.
    var batchLimits: [String: Int] {
        var limits: [String: Int] = [:]
        for type in registry.jobTypes {
            if let handler = registry.handler(for: type), handler.isBatch { limits[type] = handler.maxBatchSize }
        }
        return limits
    }

    /// Runs a unit: a single job directly, several through the batch path.
    func execute(_ jobs: [ClaimedJob], handlerPool: PostgresPool) async -> [Completion] {
        if jobs.count == 1 { return [await execute(jobs[0], handlerPool: handlerPool)] }
        return await executeBatch(jobs, handlerPool: handlerPool)
    }

    /// Runs one job's handler.
    func execute(_ job: ClaimedJob, handlerPool: PostgresPool) async -> Completion {
        let log = jobLogger(job)
        let started = ContinuousClock.now
        let prepared: (handler: AnyJobHandler, account: MarketplaceAccount?)
        switch await prepare(job, handlerPool: handlerPool) {
        case .stopped(let completion): return report(completion, job: job, log: log, started: started, secrets: [])
        case .ready(let handler, let account): prepared = (handler, account)
        }
        let secrets = prepared.account?.credentials.secretValues ?? []
        let context = JobContext(
            jobID: job.id, jobType: job.jobType, attempt: job.attempt, maxAttempts: job.maxAttempts,
            account: prepared.account, database: handlerPool, logger: log, http: http,
            progressReporter: progressReporter(for: job, handlerPool: handlerPool, log: log))
        log.debug("job started")
        do {
            let result = try await runReportingProgress(prepared.handler, payload: job.payload, context: context)
            return report(.done(result: result), job: job, log: log, started: started, secrets: secrets)
        } catch is CancellationError where Task.isCancelled && running.stopReason(id: job.id) != .timedOut {
            // Stopped from outside (operator, lost lease, shutdown); the
            // dispatch loop decides what to write from the stop reason.
            return .release
        } catch {
            return report(completion(for: error, job: job), job: job, log: log, started: started, secrets: secrets)
        }
    }

    /// The completion a thrown error means for `job`.
    func completion(for error: any Error, job: ClaimedJob) -> Completion {
        if running.stopReason(id: job.id) == .timedOut {
            // The timeout watchdog cancelled the handler; whatever it threw, the attempt timed out.
            return retryOrFail(job, "timed out after \(Self.describe(timeout(for: job.jobType))); the handler was cancelled")
        }
        switch error {
        case JobError.permanent(let message): return .failed(error: message)
        case JobError.retryable(let message): return retryOrFail(job, message)
        case let error as JobError:
            if case .retryAfter(let date, _) = error { return .snooze(note: error.description, until: date) }
            return retryOrFail(job, error.description)
        default: return retryOrFail(job, String(describing: error))
        }
    }

    /// What a job needs before its handler runs, or why it cannot run.
    enum Preparation {
        case ready(AnyJobHandler, MarketplaceAccount?)
        /// The job ends before any handler runs (unknown type, missing or disabled account).
        case stopped(Completion)
    }

    /// The handler and account for a job, or the failure that stops it before any handler runs.
    func prepare(_ job: ClaimedJob, handlerPool: PostgresPool) async -> Preparation {
        guard let handler = registry.handler(for: job.jobType) else {
            let known = registry.jobTypes.joined(separator: ", ")
            return .stopped(
                .failed(
                    error:
                        "unknown job_type '\(job.jobType)': this worker knows \(known). Fix job_type, or run a worker that registers this type."
                ))
        }
        guard let accountID = job.accountID else {
            if handler.requiresAccount {
                return .stopped(.failed(error: "\(job.jobType) needs account_id; set it to the id of a marketplace_account"))
            }
            return .ready(handler, nil)
        }
        let account: MarketplaceAccount?
        do {
            account = try await MarketplaceAccount.load(id: accountID, from: handlerPool)
        } catch {
            return .stopped(retryOrFail(job, "could not load account \(accountID): \(error)"))
        }
        guard let account else {
            return .stopped(.failed(error: "account_id \(accountID) does not exist in marketplace_account"))
        }
        guard account.syncEnabled else {
            return .stopped(
                .failed(
                    error:
                        "account \(accountID) (\(account.name)) has sync_enabled = false; enable it, then jobctl retry \(job.id)")
            )
        }
        return .ready(handler, account)
    }

    func retryOrFail(_ job: ClaimedJob, _ message: String) -> Completion {
        if job.attempt >= job.maxAttempts {
            return .failed(error: "\(message) (attempt \(job.attempt) of \(job.maxAttempts); no attempts left)")
        }
        let delay = retryPolicy.delay(afterAttempt: job.attempt)
        return .retry(error: message, at: Date().addingTimeInterval(delay))
    }

    /// A logger carrying the job's metadata. One metadata write, not three:
    /// StreamLogHandler re-renders all of its metadata on every write, which
    /// was ~10% of a no-op job's CPU.
    func jobLogger(_ job: ClaimedJob) -> Logger {
        var log = logger
        log.handler.metadata.merge(["job_id": "\(job.id)", "job_type": "\(job.jobType)", "attempt": "\(job.attempt)"]) { $1 }
        return log
    }

    /// Scrubs secrets, logs the outcome and counts it.
    func report(
        _ completion: Completion, job: ClaimedJob, log: Logger, started: ContinuousClock.Instant,
        secrets: [String]
    ) -> Completion {
        let completion = SecretScrubber(secrets: secrets).scrub(completion)
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

    /// "2 s", "250 ms".
    static func describe(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds >= 1 && seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(Int(seconds * 1000)) ms"
    }
}
