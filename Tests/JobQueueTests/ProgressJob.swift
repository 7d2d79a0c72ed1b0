import Foundation
import JobQueue
import Postgres

/// Reports `steps` progress values, one every `step_ms`, the way a paging
/// handler does. With `fail_after`, attempt 1 throws (retryable) after that
/// many steps. Every attempt records the row's `progress` as it found it at
/// its start, so a test can see what a new attempt starts from.
struct ProgressJob: JobHandler {
    static let jobType = "test.progress"
    struct Payload: Decodable, Sendable {
        var steps: Int
        var step_ms: Int
        var fail_after: Int?
    }
    /// `progress_at_start` is the column's text, or "NULL".
    struct Result: Encodable, Sendable { var progress_at_start: String }

    func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let atStart = try await context.database.query(
            "SELECT progress::text AS progress FROM marketplace_job WHERE id = $1", [context.jobID]
        ).first?["progress"]
        for step in 1...payload.steps {
            try await Task.sleep(for: .milliseconds(payload.step_ms))
            context.progress(done: step, total: payload.steps, phase: "steps")
            if context.attempt == 1, step == payload.fail_after {
                throw JobError.retryable("failing attempt 1 after \(step) steps, as asked")
            }
        }
        return Result(progress_at_start: atStart ?? "NULL")
    }
}
