import CoreMetrics
import Synchronization

/// The dispatch side's metrics: outcomes and durations by job type, claim
/// sizes, notifications (the rescuer and the schedule runner own theirs). Reported through swift-metrics only,
/// so the engine knows nothing of Prometheus: with no factory bootstrapped
/// (`worker run` without `--metrics-port`) every object is swift-metrics'
/// no-op handler.
///
/// Cheap on the hot path: the metric objects of every registered type are
/// made up front into an immutable dictionary (no lock to read it); a type
/// the registry does not know (a worker without `--types` fails those jobs)
/// gets its objects once, under a mutex. The factory must be bootstrapped
/// before a `WorkerMetrics` is made: objects made earlier stay no-ops.
final class WorkerMetrics: Sendable {
    private let known: [String: JobTypeMetrics]
    private let others = Mutex<[String: JobTypeMetrics]>([:])
    private let claimSizes = Recorder(label: MetricName.claimBatchSize)
    private let notificationsSeen = Counter(label: MetricName.notifications)

    /// Metric objects for `jobTypes` (the registry's) made now.
    init(jobTypes: [String]) {
        var known: [String: JobTypeMetrics] = [:]
        for type in jobTypes { known[type] = JobTypeMetrics(jobType: type) }
        self.known = known
    }

    /// The metric objects of one job type.
    func forType(_ jobType: String) -> JobTypeMetrics {
        if let metrics = known[jobType] { return metrics }
        return others.withLock { others in
            if let metrics = others[jobType] { return metrics }
            let metrics = JobTypeMetrics(jobType: jobType)
            others[jobType] = metrics
            return metrics
        }
    }

    /// Counts one job's final outcome (after the stop reason was applied) and,
    /// when its handler ran, how long the attempt took.
    func finished(jobType: String, _ completion: Completion, duration: Duration?) {
        let metrics = forType(jobType)
        metrics.counter(for: completion).increment()
        if let duration {
            let (seconds, attoseconds) = duration.components
            metrics.duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
    }

    /// One claim statement returned `count` jobs.
    func claimed(_ count: Int) {
        claimSizes.record(count)
    }

    /// A `marketplace_notification` NOTIFY said `count` notifications were written.
    func notificationsWritten(_ count: Int) {
        if count > 0 { notificationsSeen.increment(by: count) }
    }
}
