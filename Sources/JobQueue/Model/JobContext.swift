import Foundation
import HTTPClient
import Logging
import Postgres

/// Everything a handler may use. Handlers get the database and HTTP through
/// here, never through globals, so tests can run several workers in one process.
public struct JobContext: Sendable {
    public let jobID: Int64
    public let jobType: String
    /// 1 on the first run; counts claims, so a crash mid-run counts too.
    public let attempt: Int
    public let maxAttempts: Int
    /// The job's `marketplace_account`, loaded before `run` when `account_id` is set.
    public let account: MarketplaceAccount?
    /// A pool shared by the worker's handlers (not the worker's own claim connection).
    public let database: PostgresPool
    /// Carries `job_id`, `job_type` and `attempt` metadata.
    public let logger: Logger
    public let http: any HTTPClient
    public let now: @Sendable () -> Date
    /// Writes `progress(done:total:phase:)` to the job's row; nil (tests,
    /// batch handlers) makes progress reports no-ops.
    public let progressReporter: ProgressReporter?

    public init(
        jobID: Int64, jobType: String, attempt: Int, maxAttempts: Int, account: MarketplaceAccount?,
        database: PostgresPool, logger: Logger, http: any HTTPClient, now: @escaping @Sendable () -> Date = Date.init,
        progressReporter: ProgressReporter? = nil
    ) {
        self.jobID = jobID
        self.jobType = jobType
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.account = account
        self.database = database
        self.logger = logger
        self.http = http
        self.now = now
        self.progressReporter = progressReporter
    }

    /// Tells operators how far the job got: `jobctl show`, `jobctl list` (a
    /// percentage when `total` is known) and `--wait` show it. Call it as often
    /// as you like (after every page, say): it returns at once, and the worker
    /// writes the row at most once a second, the last value always included.
    /// A failed write is logged at debug and never fails the job. Each key is
    /// optional; a new attempt starts with no progress.
    public func progress(done: Int? = nil, total: Int? = nil, phase: String? = nil) {
        progressReporter?.report(JobProgress(done: done, total: total, phase: phase))
    }

    /// The account, or a permanent error telling the operator to set `account_id`.
    public func requireAccount(marketplace: String) throws(JobError) -> MarketplaceAccount {
        guard let account else {
            throw .permanent("\(jobType) needs account_id: set it to a marketplace_account with marketplace '\(marketplace)'")
        }
        guard account.marketplace == marketplace else {
            throw .permanent(
                "\(jobType) needs a '\(marketplace)' account, but account \(account.id) (\(account.name)) is '\(account.marketplace)'"
            )
        }
        return account
    }

    /// Throws `CancellationError` if the job was cancelled (timeout, operator, shutdown).
    public func checkCancellation() throws {
        try Task.checkCancellation()
    }
}
