import Foundation
import Logging
import Postgres

/// Keeps this worker's leases alive and its view of them true. Every third
/// of the lease it renews the lease of every held job, running or buffered
/// (claim-ahead); a job whose row is no longer ours (cancelled, or rescued
/// after an outage) is stopped, and a buffered one is dropped unstarted.
/// Between renewals it records `started_at` for handlers that have run for a
/// second (shorter ones get it with their outcome). It also runs the rescuer
/// and logs a progress line every minute.
struct LeaseKeeper: Sendable {
    let store: JobStore
    let running: RunningJobs
    let mailbox: Mailbox<DispatchStateMachine.Event>
    let counters: WorkerCounters
    let database: PostgresConfiguration
    let leaseDuration: Duration
    let logger: Logger

    /// Runs until the task is cancelled.
    func run() async {
        let connection = PostgresConnection(configuration: database)
        let interval = min(leaseDuration / 3, .seconds(10))
        let tick = min(interval, .seconds(1))
        var rescuer = Rescuer(store: store, leaseDuration: leaseDuration, logger: logger)
        var nextRenewal = ContinuousClock.now
        var lastSummary = ContinuousClock.now
        var lastFailureLog: ContinuousClock.Instant?
        while !Task.isCancelled {
            do {
                let now = ContinuousClock.now
                let renewAll = now >= nextRenewal
                let jobs = renewAll ? running.snapshot() : running.unrecordedStarts(before: Date().addingTimeInterval(-1))
                if !jobs.isEmpty {
                    let lost = try await store.heartbeat(jobs, on: connection)
                    running.recordedStarts(jobs)
                    for id in lost { stop(id) }
                }
                if renewAll { nextRenewal = now + interval }
                if try await rescuer.runIfDue(on: connection) { mailbox.post(.wake) }
                lastFailureLog = nil
            } catch {
                if lastFailureLog.map({ ContinuousClock.now - $0 > .seconds(10) }) ?? true {
                    logger.warning("lease keeper: \(error)")
                    lastFailureLog = .now
                }
            }
            if ContinuousClock.now - lastSummary >= .seconds(60) {
                let totals = counters.snapshot()
                logger.info(
                    "worker progress",
                    metadata: [
                        "done": "\(totals.done)", "retried": "\(totals.retried)", "failed": "\(totals.failed)",
                        "held": "\(running.count)",
                    ])
                lastSummary = .now
            }
            try? await Task.sleep(for: tick)
        }
        await connection.close()
    }

    private func stop(_ id: Int64) {
        switch running.stop(id: id, reason: .leaseLost) {
        case .running:
            logger.warning("job is no longer ours (cancelled or rescued); stopping its handler", metadata: ["job_id": "\(id)"])
        case .buffered:
            logger.warning(
                "buffered job is no longer ours (cancelled or rescued); it will not start", metadata: ["job_id": "\(id)"])
            mailbox.post(.abandoned(id))
        case .notHeld:
            break
        }
    }
}
