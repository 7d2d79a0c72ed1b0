import CoreMetrics

/// One job type's metric objects, made once: a counter per outcome and the
/// duration timer. Looking a job's metrics up is then one dictionary read,
/// and no metric object is created per job (creating one takes the metrics
/// factory's lock and a registry lookup).
struct JobTypeMetrics: Sendable {
    let done: Counter
    let retry: Counter
    let failed: Counter
    let snooze: Counter
    let release: Counter
    let discard: Counter
    let duration: Timer

    init(jobType: String) {
        func outcome(_ name: String) -> Counter {
            Counter(label: MetricName.jobs, dimensions: [("job_type", jobType), ("outcome", name)])
        }
        done = outcome("done")
        retry = outcome("retry")
        failed = outcome("failed")
        snooze = outcome("snooze")
        release = outcome("release")
        discard = outcome("discard")
        duration = Timer(label: MetricName.jobDuration, dimensions: [("job_type", jobType)])
    }

    /// The counter of `completion`'s outcome.
    func counter(for completion: Completion) -> Counter {
        switch completion {
        case .done: return done
        case .retry: return retry
        case .failed: return failed
        case .snooze: return snooze
        case .release: return release
        case .discard: return discard
        }
    }
}
