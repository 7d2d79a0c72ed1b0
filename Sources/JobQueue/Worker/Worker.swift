import Foundation
import HTTPClient
import Logging
import Postgres
import ServiceLifecycle

/// One worker process's engine: claims due jobs, runs their handlers, writes
/// outcomes back, and keeps leases alive. This type only wires the parts
/// together and runs them for the life of the service:
/// - the **dispatch loop** (`DispatchLoop` driving `DispatchStateMachine`)
///   is the only code that claims and completes: it claims up to
///   `concurrency + prefetch` jobs (the extra ones wait in a claim-ahead
///   buffer), starts them as slots free up (`JobExecutor`; batch types many
///   in one call), and writes outcomes (`Completer`);
/// - the **lease keeper** (`LeaseKeeper`) renews the leases of held jobs,
///   stops those whose rows are no longer ours, and runs the `Rescuer`;
/// - the **timeout watchdog** (`TimeoutWatchdog`) cancels overdue handlers;
/// - the **NOTIFY pump** wakes the dispatch loop when jobs are inserted and
///   stops jobs named by `jobctl cancel`.
///
/// Guarantees (see README, "Guarantees"): execution is at-least-once. A job is
/// written `done` only after its handler returned; if the process dies between
/// the handler returning and that write, the lease runs out and the job runs
/// again.
public final class Worker: Service {
    /// What this worker was told.
    public let configuration: WorkerConfiguration
    private let registry: HandlerRegistry
    private let http: any HTTPClient
    private let logger: Logger
    private let store: JobStore
    private let running = RunningJobs()
    private let mailbox = Mailbox<DispatchStateMachine.Event>()
    private let counters = WorkerCounters()
    private let metrics: WorkerMetrics

    /// A worker for `registry`'s job types; `run()` starts it.
    public init(
        configuration: WorkerConfiguration, registry: HandlerRegistry,
        http: any HTTPClient = URLSessionHTTPClient(), logger: Logger
    ) {
        self.configuration = configuration
        self.registry = registry
        self.http = http
        var logger = logger
        logger[metadataKey: "worker_id"] = "\(configuration.workerID)"
        self.logger = logger
        self.store = JobStore(workerID: configuration.workerID, leaseSeconds: configuration.leaseDuration.seconds)
        self.metrics = WorkerMetrics(jobTypes: registry.jobTypes)
    }

    /// Jobs handled since start, by outcome.
    public var processed: WorkerCounters.Snapshot { counters.snapshot() }

    /// NOTIFY channel the insert trigger and `jobctl run-now` use.
    public static let wakeChannel = "marketplace_job"
    /// NOTIFY channel `jobctl cancel` uses; the payload is the job id.
    public static let cancelChannel = "marketplace_job_cancel"

    /// Runs until SIGTERM/SIGINT (graceful shutdown), cancellation (immediate
    /// shutdown) or, with `exitWhenIdle`, until nothing is due and none runs.
    public func run() async throws {
        logger.info(
            "worker starting",
            metadata: [
                "concurrency": "\(configuration.concurrency)",
                "prefetch": "\(configuration.prefetch)",
                "types": "\(configuration.types?.joined(separator: ",") ?? "all")",
                "database": "\(configuration.database.redactedDescription)",
            ])
        guard await registerConcurrencyLimits(registry.concurrencyLimits, logger: logger) else {
            logger.info("worker stopped before its first claim")
            return
        }
        let handlerPool = PostgresPool(configuration: configuration.database, maxConnections: configuration.handlerPoolSize)
        let listener = PostgresListener(
            configuration: configuration.database,
            channels: [Self.wakeChannel, Self.cancelChannel]
                + (configuration.queueMetricsInterval == nil ? [] : [NotificationAdmin.channel]),
            onError: { [logger] error in logger.warning("listener: \(error); reconnecting") }
        )
        listener.start()
        let pump = Task { [mailbox, running, logger, metrics] in
            for await event in listener.events {
                switch event {
                case .connected:
                    mailbox.post(.wake)
                case .notification(Self.cancelChannel, let payload):
                    guard let id = Int64(payload) else { continue }
                    switch running.stop(id: id, reason: .cancelledByOperator) {
                    case .running:
                        logger.info("job cancelled by operator", metadata: ["job_id": "\(id)"])
                    case .buffered:
                        logger.info("buffered job cancelled by operator; it will not start", metadata: ["job_id": "\(id)"])
                        mailbox.post(.abandoned(id))
                    case .notHeld:
                        break
                    }
                case .notification(NotificationAdmin.channel, let payload):
                    metrics.notificationsWritten(Int(payload) ?? 0)
                case .notification:
                    mailbox.post(.wake)
                }
            }
        }
        let executor = JobExecutor(
            registry: registry, http: http, logger: logger, counters: counters, running: running,
            retryPolicy: configuration.retryPolicy, timeoutOverrides: configuration.timeoutOverrides,
            workerID: configuration.workerID)
        let keeper = Task { [self] in
            await LeaseKeeper(
                store: store, running: running, mailbox: mailbox, counters: counters,
                database: configuration.database, leaseDuration: configuration.leaseDuration,
                logger: logger
            ).run()
        }
        let watchdog = Task { [running] in
            await TimeoutWatchdog(running: running, shortestTimeout: shortestTimeout()).run()
        }
        let maintenance = startMaintenance(logger: logger)
        let dispatch = DispatchLoop(
            configuration: configuration,
            completer: Completer(store: store, types: configuration.types, logger: logger),
            executor: executor, running: running, mailbox: mailbox, metrics: metrics, logger: logger)
        // The loop runs in an unstructured task so that cancelling `run()` does
        // not cancel the loop's own database writes: cancellation becomes an
        // immediate shutdown, which still writes every outcome it holds.
        let loop = Task { await dispatch.run(handlerPool: handlerPool) }
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
        maintenance.cancel()
        listener.stop()
        pump.cancel()
        await handlerPool.close()
        let totals = counters.snapshot()
        logger.info(
            "worker stopped",
            metadata: [
                "done": "\(totals.done)", "retried": "\(totals.retried)", "failed": "\(totals.failed)",
            ])
    }

    /// The shortest attempt timeout configured, which sets the watchdog's tick.
    private func shortestTimeout() -> Duration {
        var shortest = configuration.timeoutOverrides.values.min() ?? .seconds(300)
        for type in registry.jobTypes {
            if let timeout = registry.handler(for: type)?.timeout { shortest = min(shortest, timeout) }
        }
        return shortest
    }
}
