import Foundation
import JobQueue
import Postgres

/// `test.record`: `{"sleep_ms": 0}`. Inserts one row per execution into
/// `test_execution` (which the test creates first), so a test can count how often each
/// job really ran.
struct RecordExecutionJob: JobHandler {
    static let jobType = "test.record"
    struct Payload: Decodable, Sendable { var sleep_ms: Int? }
    struct Result: Encodable, Sendable { var recorded: Bool }

    func run(_ payload: Payload, context: JobContext) async throws -> Result {
        if let sleep = payload.sleep_ms, sleep > 0 { try await Task.sleep(for: .milliseconds(sleep)) }
        try await context.database.execute(
            """
            INSERT INTO test_execution (job_id, attempt, worker) VALUES ($1, $2, current_setting('application_name'))
            """, [context.jobID, context.attempt])
        return Result(recorded: true)
    }
}
