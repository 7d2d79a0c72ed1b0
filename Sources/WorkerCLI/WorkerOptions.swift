import ArgumentParser
import Foundation
import JobQueue

/// The options of `worker run`.
public struct WorkerOptions: ParsableArguments, Sendable {
    @OptionGroup public var database: DatabaseOptions

    @Option(help: "Job slots: how many handlers run at once.")
    public var concurrency: Int = 10

    @Option(
        help: ArgumentHelp(
            "Comma-separated job types to take. Default: all types (unknown ones fail with a clear error).",
            valueName: "a,b"))
    public var types: String?

    @Flag(help: "Drain: exit 0 once no job is due and none is running.")
    public var exitWhenIdle = false

    @Option(help: ArgumentHelp("Name written to locked_by. Default: host:pid.", valueName: "id"))
    public var workerID: String?

    @Option(
        help: ArgumentHelp(
            "Seconds running jobs get to finish after SIGTERM/SIGINT; then they are cancelled and released.",
            valueName: "seconds"))
    public var shutdownGrace: Double = 30

    @Option(
        help: ArgumentHelp(
            "Lease on a claimed job; renewed every third of it. A dead worker's jobs return after this long.",
            valueName: "seconds"))
    public var lease: Double = 30

    @Option(help: ArgumentHelp("Fallback poll when no NOTIFY arrives.", valueName: "seconds"))
    public var pollInterval: Double = 5

    @Option(help: "Most jobs claimed in one statement.")
    public var claimBatch: Int = 100

    @Option(
        help: ArgumentHelp(
            """
            Claim-ahead: jobs claimed beyond the free slots into a local buffer, so the next jobs are already \
            claimed when slots free up. Buffered jobs hold a lease, can be cancelled, and are released unstarted \
            (attempt given back) at shutdown. 0 turns it off.
            """, valueName: "n"))
    public var prefetch: Int = WorkerConfiguration.defaultPrefetch

    @Option(help: ArgumentHelp("Backoff after the first failed attempt; doubles per attempt.", valueName: "seconds"))
    public var retryBase: Double = 5

    @Option(help: ArgumentHelp("Longest backoff.", valueName: "seconds"))
    public var retryCap: Double = 3600

    @Option(
        help: ArgumentHelp(
            "Override a type's attempt timeout, e.g. zortout.pull_stock=900. Repeatable.",
            valueName: "type=seconds"))
    public var timeout: [String] = []

    @Option(
        help: ArgumentHelp(
            "trace, debug, info, notice, warning, error or critical. Default: LOG_LEVEL, else info.",
            valueName: "level"))
    public var logLevel: String?

    @Option(
        help: ArgumentHelp(
            "text (key=value, the default) or json (one object per line). Default: LOG_FORMAT, else text.",
            valueName: "format"))
    public var logFormat: String?

    @Option(
        help: ArgumentHelp(
            """
            Serve Prometheus metrics at http://BIND:PORT/metrics (0 picks a free port; the log line \
            'serving metrics' names it). Off by default.
            """, valueName: "port"))
    public var metricsPort: Int?

    @Option(help: ArgumentHelp("Address the metrics endpoint listens on.", valueName: "address"))
    public var metricsBind: String = "127.0.0.1"

    @Option(
        help: ArgumentHelp(
            "With --metrics-port: seconds between reads of the queue gauges (one SQL statement each).",
            valueName: "seconds"))
    public var metricsInterval: Double = 5

    @Flag(
        help: ArgumentHelp(
            "Run jobs only: enqueue no due schedules. Schedules need at least one worker without this flag; any number may run them."
        ))
    public var noSchedules = false

    public init() {}

    public func validate() throws {
        guard concurrency >= 1, concurrency <= 10_000 else { throw ValidationError("--concurrency must be between 1 and 10000") }
        guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace must be 0 or more") }
        guard lease >= 1 else { throw ValidationError("--lease must be at least 1 second") }
        guard pollInterval > 0 else { throw ValidationError("--poll-interval must be positive") }
        guard claimBatch >= 1 else { throw ValidationError("--claim-batch must be at least 1") }
        guard prefetch >= 0, prefetch <= 100_000 else { throw ValidationError("--prefetch must be between 0 and 100000") }
        guard retryBase > 0, retryCap >= retryBase else {
            throw ValidationError("--retry-base must be positive and --retry-cap at least --retry-base")
        }
        _ = try timeoutOverrides()
        if let metricsPort, !(0...65_535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be between 0 and 65535")
        }
        guard metricsInterval > 0 else { throw ValidationError("--metrics-interval must be positive") }
        guard !metricsBind.isEmpty else { throw ValidationError("--metrics-bind needs an address, e.g. 127.0.0.1") }
        do {
            _ = try LogFormat.resolve(logFormat, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("--log-format or LOG_FORMAT: \(error)")
        }
    }

    public var typeList: [String]? {
        guard let types else { return nil }
        let list = types.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return list.isEmpty ? nil : list
    }

    func timeoutOverrides() throws -> [String: Duration] {
        var overrides: [String: Duration] = [:]
        for entry in timeout {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let seconds = Double(parts[1]), seconds > 0 else {
                throw ValidationError("--timeout takes type=seconds, got '\(entry)'")
            }
            overrides[String(parts[0])] = .milliseconds(Int(seconds * 1000))
        }
        return overrides
    }

    public func configuration() throws -> WorkerConfiguration {
        var configuration = WorkerConfiguration(
            database: database.configuration(applicationName: "worker"),
            workerID: workerID ?? WorkerConfiguration.defaultWorkerID(),
            concurrency: concurrency,
            types: typeList,
            exitWhenIdle: exitWhenIdle,
            shutdownGrace: .milliseconds(Int(shutdownGrace * 1000)),
            leaseDuration: .milliseconds(Int(lease * 1000)),
            pollInterval: .milliseconds(Int(pollInterval * 1000)),
            claimBatchSize: claimBatch,
            prefetch: prefetch,
            retryPolicy: RetryPolicy(base: .milliseconds(Int(retryBase * 1000)), cap: .milliseconds(Int(retryCap * 1000))),
            timeoutOverrides: try timeoutOverrides()
        )
        configuration.maintenance.runsSchedules = !noSchedules
        if metricsPort != nil { configuration.queueMetricsInterval = .milliseconds(Int(metricsInterval * 1000)) }
        return configuration
    }
}
