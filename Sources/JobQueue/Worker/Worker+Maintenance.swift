import Logging

extension Worker {
    /// Starts the maintenance loop (today: the schedule runner) beside the
    /// dispatch loop. Kept in its own file so that one line in `run()` attaches
    /// it to whatever shape the engine has. A draining worker
    /// (`exitWhenIdle`) runs no schedules: a drain should not add work.
    func startMaintenance(logger: Logger) -> Task<Void, Never> {
        let maintenance = configuration.maintenance
        guard maintenance.runsSchedules, !configuration.exitWhenIdle else { return Task {} }
        let runner = ScheduleRunner(
            database: configuration.database, workerID: configuration.workerID,
            configuration: maintenance, logger: logger)
        return Task { await runner.run() }
    }
}
