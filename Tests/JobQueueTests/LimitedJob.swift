import Foundation
import JobQueue
import Postgres

/// `test.limited`: at most one per account at a time (migration 0009).
/// `{"hold": true}` waits until the test inserts a row into `test_gate`, so a
/// test can keep an account's slot taken for as long as it needs.
struct LimitedJob: JobHandler {
    static let jobType = "test.limited"
    static var concurrencyLimit: ConcurrencyLimit? { .perAccount(1) }
    struct Payload: Decodable, Sendable {
        var hold: Bool?
        var sleep_ms: Int?
    }

    func run(_ payload: Payload, context: JobContext) async throws -> EmptyResult {
        if payload.hold == true {
            while try await context.database.query("SELECT 1 FROM test_gate LIMIT 1").first == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        if let sleep = payload.sleep_ms, sleep > 0 { try await Task.sleep(for: .milliseconds(sleep)) }
        return EmptyResult()
    }
}
