import CoreMetrics
import Logging
import Postgres

/// Refreshes the queue gauges (pending and due jobs, the oldest due job's
/// age, by type) from one SQL statement every `interval`. It runs on the
/// maintenance side, on its own connection, so the dispatch loop never waits
/// for it. The gauges describe the whole table, not this worker: every
/// worker reports the same values (aggregate them with `max`, not `sum`).
///
/// Cost: the statement reads the pending rows only, through a partial index
/// on them (`marketplace_job_claimable` or `marketplace_job_next_due`, both
/// `WHERE state = 'pending'`; the planner picks), so finished rows cost
/// nothing, but it grows with the backlog: 90–270 ms for 100,000 pending
/// rows next to 200,000 done ones on the loaded 2-core development machine,
/// once per interval per worker. The first read waits one interval: a
/// drain shorter than that pays nothing for it.
struct QueueGauges: Sendable {
    let database: PostgresConfiguration
    let interval: Duration
    let logger: Logger

    static let sql = """
        SELECT job_type, count(*) AS pending,
               count(*) FILTER (WHERE next_run_at <= now()) AS due,
               coalesce(extract(epoch FROM now() - min(next_run_at) FILTER (WHERE next_run_at <= now())), 0)::float8
                 AS oldest_due_age
          FROM marketplace_job
         WHERE state = 'pending'
         GROUP BY job_type
        """

    /// One job type's three gauges.
    private struct TypeGauges {
        let pending: Gauge
        let due: Gauge
        let oldestDueAge: Gauge

        init(jobType: String) {
            pending = Gauge(label: MetricName.queuePending, dimensions: [("job_type", jobType)])
            due = Gauge(label: MetricName.queueDue, dimensions: [("job_type", jobType)])
            oldestDueAge = Gauge(label: MetricName.queueOldestDueAge, dimensions: [("job_type", jobType)])
        }
    }

    /// One reading of the queue, by job type.
    struct Reading: Sendable, Equatable {
        var pending: Int
        var due: Int
        var oldestDueAge: Double
    }

    /// Reads the queue once.
    static func read(on connection: PostgresConnection) async throws -> [String: Reading] {
        var readings: [String: Reading] = [:]
        for row in try await connection.query(sql).rows {
            readings[try row.decode(String.self, "job_type")] = Reading(
                pending: try row.decode(Int.self, "pending"), due: try row.decode(Int.self, "due"),
                oldestDueAge: try row.decode(Double.self, "oldest_due_age"))
        }
        return readings
    }

    /// Loops until the task is cancelled. A type that left the queue keeps
    /// its series at 0 rather than its last value. Errors are counted and
    /// logged (at most every minute); the gauges keep their last values.
    func run() async {
        let connection = PostgresConnection(configuration: database)
        let errors = Counter(label: MetricName.queueRefreshErrors)
        var gauges: [String: TypeGauges] = [:]
        var lastFailureLog: ContinuousClock.Instant?
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { break }
            do {
                let readings = try await Self.read(on: connection)
                for type in readings.keys where gauges[type] == nil { gauges[type] = TypeGauges(jobType: type) }
                for (type, typeGauges) in gauges {
                    let reading = readings[type] ?? Reading(pending: 0, due: 0, oldestDueAge: 0)
                    typeGauges.pending.record(reading.pending)
                    typeGauges.due.record(reading.due)
                    typeGauges.oldestDueAge.record(reading.oldestDueAge)
                }
            } catch {
                errors.increment()
                if lastFailureLog.map({ ContinuousClock.now - $0 > .seconds(60) }) ?? true {
                    logger.warning("queue metrics: \(error); keeping the last values")
                    lastFailureLog = .now
                }
            }
        }
        await connection.close()
    }
}
