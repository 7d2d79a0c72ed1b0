import Foundation
import Logging
import Postgres

extension JobExecutor {
    /// The reporter behind `context.progress(…)` for one attempt: writes on
    /// the handler pool, guarded on this worker's claim of this attempt.
    func progressReporter(for job: ClaimedJob, handlerPool: PostgresPool, log: Logger) -> ProgressReporter {
        ProgressReporter(jobID: job.id, workerID: workerID, attempt: job.attempt, database: handlerPool, logger: log)
    }

    /// Runs the handler, then flushes its last held-back progress value
    /// (whether it returned or threw), so the row shows where the attempt
    /// ended before the outcome is written. Jobs that never report pay one
    /// lock for this.
    func runReportingProgress(_ handler: AnyJobHandler, payload: Data, context: JobContext) async throws -> Data {
        do {
            let result = try await handler.run(payload: payload, context: context)
            await context.progressReporter?.finish()
            return result
        } catch {
            await context.progressReporter?.finish()
            throw error
        }
    }
}
