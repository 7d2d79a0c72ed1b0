import CoreMetrics
import Logging
import Postgres

/// Puts other workers' jobs whose lease ran out back to pending (or to
/// failed when their attempts are spent). Any live worker does this, at a
/// jittered interval of about half a lease, so a fleet spreads the work and a
/// dead worker's jobs come back within about 1.5 leases.
struct Rescuer: Sendable {
    let store: JobStore
    let leaseDuration: Duration
    let logger: Logger
    private(set) var nextRun = ContinuousClock.now
    /// `marketplace_lease_rescues_total` by outcome (no-ops without a metrics backend).
    private let requeuedCounter = Counter(label: MetricName.leaseRescues, dimensions: [("outcome", "requeued")])
    private let failedCounter = Counter(label: MetricName.leaseRescues, dimensions: [("outcome", "failed")])

    init(store: JobStore, leaseDuration: Duration, logger: Logger) {
        self.store = store
        self.leaseDuration = leaseDuration
        self.logger = logger
    }

    /// Rescues expired leases if it is time; true when any job went back to pending or failed.
    mutating func runIfDue(on connection: PostgresConnection, now: ContinuousClock.Instant = .now) async throws -> Bool {
        guard now >= nextRun else { return false }
        let rescued = try await store.rescueExpired(on: connection)
        let spread = Double.random(in: 0.5...1.5)
        nextRun = .now + .milliseconds(Int(leaseDuration.seconds * 500 * spread))
        guard rescued.requeued + rescued.failed > 0 else { return false }
        if rescued.requeued > 0 { requeuedCounter.increment(by: rescued.requeued) }
        if rescued.failed > 0 { failedCounter.increment(by: rescued.failed) }
        logger.warning(
            "rescued jobs whose lease expired",
            metadata: [
                "requeued": "\(rescued.requeued)", "failed": "\(rescued.failed)",
            ])
        return true
    }
}
