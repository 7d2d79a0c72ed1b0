/// Runs `body`, then awaits `teardown`, whether `body` returned or threw.
///
/// Tests used `defer { Task { await h.finish() } }`, which starts the cleanup
/// and does not wait for it: databases were dropped while the next test ran,
/// and a worker kept running (and logging) after its test had passed. Here the
/// test is not over until its teardown is:
///
///     let h = try await WorkerHarness.make("label")
///     try await withTeardown(await h.finish()) {
///         …
///     }
///
/// The teardown is an autoclosure, evaluated once, after `body`; its value
/// (say the row count of a `DROP`) is ignored.
public func withTeardown<Ignored>(
    _ teardown: @autoclosure () async -> Ignored,
    _ body: () async throws -> Void
) async throws {
    do {
        try await body()
    } catch {
        _ = await teardown()
        throw error
    }
    _ = await teardown()
}

/// Cancels a background task (a worker's `run()`) and waits until it has
/// stopped, so nothing it does outlives the test.
public func stopAndWait<Success: Sendable>(_ task: Task<Success, any Error>) async {
    task.cancel()
    _ = await task.result
}
