import CoreMetrics
import FlyingFox
import Foundation
import JobQueue
import Logging
import Prometheus
import ServiceLifecycle

/// `worker run --metrics-port`: bootstraps swift-metrics with the Prometheus
/// backend and serves `/metrics` on FlyingFox (the project's HTTP server) for
/// the life of the service group. Everything the engine reports through
/// swift-metrics lands in `registry`; without this, those calls are no-ops.
struct MetricsEndpoint: Service {
    let registry: PrometheusCollectorRegistry
    let bind: String
    let port: UInt16
    let logger: Logger

    /// Handler durations span no-op jobs (microseconds) to catalog syncs (minutes).
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
        .seconds(1), .milliseconds(2500), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900),
    ]
    /// Claims return 0 (nothing due) up to `--claim-batch` (default 100) jobs.
    static let claimSizeBuckets: [Double] = [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000]

    /// Bootstraps the process-wide metrics system (once per process, before
    /// the `Worker` is made: metric objects made earlier stay no-ops) and
    /// returns the endpoint that serves what it collects.
    static func bootstrap(bind: String, port: Int, logger: Logger) -> MetricsEndpoint {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[MetricName.jobDuration] = durationBuckets
        factory.valueHistogramBuckets[MetricName.claimBatchSize] = claimSizeBuckets
        MetricsSystem.bootstrap(factory)
        return MetricsEndpoint(registry: registry, bind: bind, port: UInt16(port), logger: logger)
    }

    /// Serves until graceful shutdown (which the group starts after the
    /// worker has stopped, so a last scrape sees its final counts) or
    /// cancellation. A port already in use fails the group, and the worker exits.
    func run() async throws {
        let handler = MetricsHandler(registry: registry)
        let server =
            bind.contains(":")
            ? HTTPServer(address: try .inet6(ip6: bind, port: port), timeout: 15, logger: .disabled, handler: handler)
            : HTTPServer(address: try .inet(ip4: bind, port: port), timeout: 15, logger: .disabled, handler: handler)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await server.run()
                    } catch  where Task.isShuttingDownGracefully || Task.isCancelled {
                        // Stopped on purpose; not a failure of the group.
                    }
                }
                group.addTask {
                    try await server.waitUntilListening(timeout: 10)
                    let url: String
                    switch await server.listeningAddress {
                    case .ip4(let host, let port)?: url = "http://\(host):\(port)/metrics"
                    case .ip6(let host, let port)?: url = "http://[\(host)]:\(port)/metrics"
                    default: url = "http://\(bind)/metrics"
                    }
                    logger.info("serving metrics", metadata: ["url": "\(url)"])
                }
                // The first failure (a port in use) ends the group at once.
                while try await group.next() != nil {}
            }
        } onGracefulShutdown: {
            Task { await server.stop(timeout: 1) }
        }
    }
}
