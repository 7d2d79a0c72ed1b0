import Foundation
import Postgres

/// Everything `worker run` can be told. Defaults suit production; tests shrink
/// the lease and backoff to keep runs short.
public struct WorkerConfiguration: Sendable {
    public var database: PostgresConfiguration
    /// Written to `locked_by`; default `host:pid`.
    public var workerID: String
    /// Job slots: how many handlers run at once.
    public var concurrency: Int
    /// Job types to claim; `nil` claims every type and fails unknown ones.
    public var types: [String]?
    /// Drain, then return: no running job and none due.
    public var exitWhenIdle: Bool
    /// Time running jobs get to finish after SIGTERM before they are cancelled and released.
    public var shutdownGrace: Duration
    /// A claimed job's lease; renewed every `leaseDuration / 3` while its handler runs.
    public var leaseDuration: Duration
    /// Fallback poll when no NOTIFY arrives (NOTIFY is the normal wake-up).
    public var pollInterval: Duration
    /// Largest claim; claims are also capped by free slots plus `prefetch`.
    public var claimBatchSize: Int
    /// Claim-ahead: how many jobs beyond the free slots may be claimed into a
    /// local buffer, so the next jobs are already claimed when slots free up.
    /// Buffered jobs hold a lease (renewed with the running ones), can be
    /// cancelled, and are released unstarted, attempt given back, at shutdown.
    public var prefetch: Int
    public var retryPolicy: RetryPolicy
    /// Per-type attempt timeouts that override the handler's own.
    public var timeoutOverrides: [String: Duration]
    /// Connections for handlers (the worker's own claim and listen connections are extra).
    public var handlerPoolSize: Int
    /// The maintenance loop: schedules (see `MaintenanceConfiguration`).
    public var maintenance: MaintenanceConfiguration = .standard
    /// How often the queue gauges are read from the database, and whether the
    /// worker listens for notifications to count them: set when a metrics
    /// backend is bootstrapped (`worker run --metrics-port`); nil (the
    /// default) adds no query and no LISTEN.
    public var queueMetricsInterval: Duration?

    public init(
        database: PostgresConfiguration = PostgresConfiguration(),
        workerID: String = WorkerConfiguration.defaultWorkerID(),
        concurrency: Int = 10,
        types: [String]? = nil,
        exitWhenIdle: Bool = false,
        shutdownGrace: Duration = .seconds(30),
        leaseDuration: Duration = .seconds(30),
        pollInterval: Duration = .seconds(5),
        claimBatchSize: Int = 100,
        prefetch: Int = WorkerConfiguration.defaultPrefetch,
        retryPolicy: RetryPolicy = .standard,
        timeoutOverrides: [String: Duration] = [:],
        handlerPoolSize: Int? = nil
    ) {
        self.database = database
        self.workerID = workerID
        self.concurrency = max(1, concurrency)
        self.types = types
        self.exitWhenIdle = exitWhenIdle
        self.shutdownGrace = shutdownGrace
        self.leaseDuration = leaseDuration
        self.pollInterval = pollInterval
        self.claimBatchSize = max(1, claimBatchSize)
        self.prefetch = max(0, prefetch)
        self.retryPolicy = retryPolicy
        self.timeoutOverrides = timeoutOverrides
        self.handlerPoolSize = handlerPoolSize ?? min(max(1, concurrency), 10)
    }

    /// The default claim-ahead buffer (see README, `worker run`, for the measurement behind it).
    public static let defaultPrefetch = 200

    /// `host:pid`.
    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }
}
