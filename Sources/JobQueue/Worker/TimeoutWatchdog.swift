/// Cancels handlers past their deadline. One loop for all jobs, instead of a
/// timer per job; it wakes often enough that an attempt overruns its limit by
/// at most a quarter of the shortest limit configured (and never by more
/// than a second).
struct TimeoutWatchdog: Sendable {
    let running: RunningJobs
    /// The shortest attempt timeout of any registered type or override.
    let shortestTimeout: Duration

    /// How often it looks.
    var tick: Duration { min(.seconds(1), max(.milliseconds(10), shortestTimeout / 4)) }

    /// Runs until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            running.stopOverdue()
            try? await Task.sleep(for: tick)
        }
    }
}
