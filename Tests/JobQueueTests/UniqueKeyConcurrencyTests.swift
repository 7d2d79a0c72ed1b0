import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// `marketplace_enqueue` with a `unique_key` under contention: however many
/// sessions race to enqueue the same key, one pending job holds it and every
/// caller gets that job's id back (issue 10, Done-when 2).
@Suite("Unique keys under contention")
struct UniqueKeyConcurrencyTests {
    @Test("1,000 concurrent enqueues of one unique key from 8 sessions leave exactly one pending job")
    func thousandConcurrentEnqueues() async throws {
        let h = try await WorkerHarness.make("uniqrace")
        try await withTeardown(await h.finish()) { () async throws in
            let pool = h.db.pool(size: 8)
            var ids: [Int64] = []
            try await withTeardown(await pool.close()) { () async throws in
                ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                    for _ in 0..<1_000 {
                        group.addTask {
                            let row = try await pool.query(
                                "SELECT marketplace_enqueue('system.noop', '{}', unique_key => 'race:1') AS id"
                            ).first
                            return try #require(row).decode(Int64.self, "id")
                        }
                    }
                    var collected: [Int64] = []
                    for try await id in group { collected.append(id) }
                    return collected
                }
            }
            #expect(ids.count == 1_000)
            #expect(Set(ids).count == 1, "callers were given \(Set(ids).count) different job ids")
            let jobs = try await h.connection.query(
                "SELECT id, state FROM marketplace_job WHERE unique_key = 'race:1'"
            ).rows
            #expect(jobs.count == 1)
            #expect(jobs.first?["state"] == "pending")
            #expect(try jobs.first?.decode(Int64.self, "id") == ids.first)
        }
    }
}
