import ArgumentParser
import Foundation
import HTTPClient
import JobQueue
import Logging
import ServiceLifecycle

/// Starts a worker from parsed options under a ServiceGroup, which turns
/// SIGTERM and SIGINT into a graceful shutdown.
public enum WorkerRunner {
    public static func run(options: WorkerOptions, registry: HandlerRegistry) async throws {
        LogSetup.bootstrap(
            level: options.logLevel,
            format: try LogFormat.resolve(options.logFormat, environment: ProcessInfo.processInfo.environment))
        let logger = Logger(label: "worker")
        var registry = registry
        if let types = options.typeList {
            let (restricted, unknown) = registry.restricted(to: types)
            guard unknown.isEmpty else {
                throw ValidationError(
                    "unknown job type(s) in --types: \(unknown.joined(separator: ", ")). Known: \(registry.jobTypes.joined(separator: ", "))"
                )
            }
            registry = restricted
        }
        // Before the worker: its metric objects are made with it.
        let metrics = options.metricsPort.map { MetricsEndpoint.bootstrap(bind: options.metricsBind, port: $0, logger: logger) }
        let worker = Worker(
            configuration: try options.configuration(), registry: registry,
            http: URLSessionHTTPClient(), logger: logger)
        // The endpoint first: the group stops services in reverse order, so
        // it still answers while the worker finishes its running jobs.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let metrics { services.append(.init(service: metrics)) }
        services.append(.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
        try await group.run()
    }
}

/// One place that decides how logs look: on stderr, swift-log's stream handler
/// (key=value metadata) or one JSON object per line (`--log-format json`),
/// level from `--log-level` or `LOG_LEVEL`.
public enum LogSetup {
    public static func bootstrap(level: String?, format: LogFormat = .text) {
        let name = level ?? ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"
        let parsed = Logger.Level(rawValue: name.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = parsed
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = parsed
                return handler
            }
        }
    }
}
