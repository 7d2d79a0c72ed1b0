import CoreMetrics
import Foundation
import Logging
import Postgres

/// Enqueues the jobs of due `marketplace_schedule` rows. Every worker runs one;
/// there is no leader to elect or to lose. Each turn is one call of the SQL
/// function `marketplace_run_schedules`, which claims due rows with
/// `FOR UPDATE SKIP LOCKED` and, in the same transaction, enqueues each job (or
/// counts a skip while the last one is pending or running) and moves the row
/// to its next slot. A worker killed mid-call leaves nothing behind: its
/// transaction rolls back and the row is due for the next worker.
public struct ScheduleRunner: Sendable {
    let database: PostgresConfiguration
    let workerID: String
    let configuration: MaintenanceConfiguration
    let logger: Logger
    /// `marketplace_schedule_runs_total` by result (no-ops without a metrics backend).
    private let enqueuedCounter = Counter(label: MetricName.scheduleRuns, dimensions: [("result", "enqueued")])
    private let skippedCounter = Counter(label: MetricName.scheduleRuns, dimensions: [("result", "skipped")])

    /// One turn's outcome.
    public struct Turn: Sendable, Equatable {
        public var enqueued: [Int64] = []
        public var skipped: [Int64] = []
        /// The earliest `next_run_at` of an enabled schedule after the turn.
        public var nextDue: Date?
    }

    /// A runner on its own connection to `database`, recording `workerID` as `last_enqueued_by`.
    public init(database: PostgresConfiguration, workerID: String, configuration: MaintenanceConfiguration, logger: Logger) {
        self.database = database
        self.workerID = workerID
        self.configuration = configuration
        self.logger = logger
    }

    static let runSQL = "SELECT schedule_id, job_id, skipped FROM marketplace_run_schedules($1, $2)"
    static let nextDueSQL = "SELECT min(next_run_at) AS due FROM marketplace_schedule WHERE enabled"

    /// Runs due schedules once.
    public func turn(on connection: PostgresConnection) async throws -> Turn {
        var turn = Turn()
        let rows = try await connection.query(Self.runSQL, [workerID, configuration.scheduleBatch]).rows
        for row in rows {
            let schedule = try row.decode(Int64.self, "schedule_id")
            if try row.decode(Bool.self, "skipped") { turn.skipped.append(schedule) } else { turn.enqueued.append(schedule) }
        }
        turn.nextDue = try await connection.query(Self.nextDueSQL).first?.decode(Date?.self, "due")
        if !turn.enqueued.isEmpty { enqueuedCounter.increment(by: turn.enqueued.count) }
        if !turn.skipped.isEmpty { skippedCounter.increment(by: turn.skipped.count) }
        return turn
    }

    /// Loops until the task is cancelled. Sleeps until the earliest schedule is
    /// due, at most `scheduleTick`, plus up to 5% jitter so that workers started
    /// together do not all knock at once. Database errors are logged (at most
    /// every 10 s) and the loop goes on.
    public func run() async {
        let connection = PostgresConnection(configuration: database)
        var lastFailureLog: ContinuousClock.Instant?
        while !Task.isCancelled {
            var wait = configuration.scheduleTick
            do {
                let turn = try await self.turn(on: connection)
                if !turn.enqueued.isEmpty || !turn.skipped.isEmpty {
                    logger.debug(
                        "schedules run",
                        metadata: [
                            "enqueued": "\(turn.enqueued.map(String.init).joined(separator: ","))",
                            "skipped": "\(turn.skipped.map(String.init).joined(separator: ","))",
                        ])
                }
                for id in turn.skipped {
                    logger.info("schedule skipped: its last job is still pending or running", metadata: ["schedule_id": "\(id)"])
                }
                if let due = turn.nextDue {
                    let untilDue = Duration.milliseconds(max(0, Int(due.timeIntervalSinceNow * 1000) + 1))
                    wait = min(wait, untilDue)
                }
                lastFailureLog = nil
            } catch {
                if lastFailureLog.map({ ContinuousClock.now - $0 > .seconds(10) }) ?? true {
                    logger.warning("schedules: \(error); trying again")
                    lastFailureLog = .now
                }
            }
            let jitter = Duration.milliseconds(Int.random(in: 0...max(1, Int(configuration.scheduleTick.seconds * 50))))
            try? await Task.sleep(for: max(wait, .milliseconds(5)) + jitter)
        }
        await connection.close()
    }
}
