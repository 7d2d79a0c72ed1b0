import Logging

extension Worker {
    /// Starts the maintenance loop beside the dispatch loop: the schedule
    /// runner and, with metrics on, the queue gauges. Kept in its own file so
    /// that one line in `run()` attaches it to whatever shape the engine has.
    /// A draining worker (`exitWhenIdle`) runs no schedules (a drain should
    /// not add work) but still reports the queue it drains.
    func startMaintenance(logger: Logger) -> Task<Void, Never> {
        let maintenance = configuration.maintenance
        let schedules =
            maintenance.runsSchedules && !configuration.exitWhenIdle
            ? ScheduleRunner(
                database: configuration.database, workerID: configuration.workerID,
                configuration: maintenance, logger: logger) : nil
        let gauges = configuration.queueMetricsInterval.map {
            QueueGauges(database: configuration.database, interval: $0, logger: logger)
        }
        return Task {
            await withTaskGroup(of: Void.self) { group in
                if let schedules { group.addTask { await schedules.run() } }
                if let gauges { group.addTask { await gauges.run() } }
            }
        }
    }
}
