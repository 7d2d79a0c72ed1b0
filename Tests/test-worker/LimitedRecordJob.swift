import Foundation
import JobQueue
import Postgres

/// `test.limited`: one per account at a time (a `ConcurrencyLimit`, migration
/// 0009). `{"sleep_ms": 0, "hold": false}`: with `hold`, waits until the test
/// inserts a row into `test_gate`; then sleeps; then records the execution in
/// `test_execution`, as `test.record` does.
struct LimitedRecordJob: JobHandler {
    static let jobType = "test.limited"
    static var concurrencyLimit: ConcurrencyLimit? { .perAccount(1) }
    struct Payload: Decodable, Sendable {
        var sleep_ms: Int?
        var hold: Bool?
    }
    struct Result: Encodable, Sendable { var recorded: Bool }

    func run(_ payload: Payload, context: JobContext) async throws -> Result {
        if payload.hold == true {
            while try await context.database.query("SELECT 1 FROM test_gate LIMIT 1").first == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        if let sleep = payload.sleep_ms, sleep > 0 { try await Task.sleep(for: .milliseconds(sleep)) }
        try await context.database.execute(
            """
            INSERT INTO test_execution (job_id, attempt, worker) VALUES ($1, $2, current_setting('application_name'))
            """, [context.jobID, context.attempt])
        return Result(recorded: true)
    }
}
