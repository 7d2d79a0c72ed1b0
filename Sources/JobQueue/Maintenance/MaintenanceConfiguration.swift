/// What a worker's maintenance loop does besides running jobs. Kept apart from
/// `WorkerConfiguration`'s engine settings so the loop can move with the worker.
public struct MaintenanceConfiguration: Sendable {
    /// Whether this worker enqueues due `marketplace_schedule` rows. Every worker
    /// may; the claim's SKIP LOCKED keeps it to one run per slot.
    public var runsSchedules: Bool
    /// The longest wait between two looks at the schedule table. The loop also
    /// wakes when the earliest schedule falls due, so slots start on time.
    public var scheduleTick: Duration
    /// Most schedule rows claimed in one transaction.
    public var scheduleBatch: Int

    /// Defaults: schedules on, a look at least every second, 100 rows per claim.
    public init(runsSchedules: Bool = true, scheduleTick: Duration = .seconds(1), scheduleBatch: Int = 100) {
        self.runsSchedules = runsSchedules
        self.scheduleTick = scheduleTick
        self.scheduleBatch = max(1, scheduleBatch)
    }

    /// The production defaults: schedules on, a look at least every second.
    public static let standard = MaintenanceConfiguration()
}
