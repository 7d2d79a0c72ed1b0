/// The names of every metric the engine reports through swift-metrics. They
/// are Prometheus names already (snake case, `_total` on counters, base
/// units), so a Prometheus backend needs no renaming; README, "`worker run`
/// metrics", lists them with their labels.
public enum MetricName {
    /// Counter, labels `job_type`, `outcome` (done, retry, failed, snooze, release, discard).
    public static let jobs = "marketplace_jobs_total"
    /// Timer (histogram in seconds), label `job_type`: from the start of an attempt (account load included) to its outcome.
    public static let jobDuration = "marketplace_job_duration_seconds"
    /// Recorder (histogram): jobs one claim statement returned, empty claims included.
    public static let claimBatchSize = "marketplace_claim_batch_size"
    /// Gauge, label `job_type`: pending jobs, due or not.
    public static let queuePending = "marketplace_queue_pending_jobs"
    /// Gauge, label `job_type`: pending jobs whose `next_run_at` has passed.
    public static let queueDue = "marketplace_queue_due_jobs"
    /// Gauge, label `job_type`: seconds since the oldest due job fell due (0 when none is due).
    public static let queueOldestDueAge = "marketplace_queue_oldest_due_age_seconds"
    /// Counter, label `outcome` (requeued, failed): expired leases this worker rescued.
    public static let leaseRescues = "marketplace_lease_rescues_total"
    /// Counter, label `result` (enqueued, skipped): schedule slots this worker ran.
    public static let scheduleRuns = "marketplace_schedule_runs_total"
    /// Counter: failure notifications written in the database, as told by the
    /// `marketplace_notification` NOTIFY channel (every worker hears every one).
    public static let notifications = "marketplace_notifications_total"
    /// Counter: queue gauge refreshes that failed (the gauges then keep their last values).
    public static let queueRefreshErrors = "marketplace_queue_refresh_errors_total"
}
