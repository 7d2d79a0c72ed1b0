import Foundation
import JobQueue
import Postgres
import Synchronization
import TestSupport
import Testing

/// Counts batch handler calls and the size of each.
final class BatchLog: Sendable {
    private let sizes = Mutex<[Int]>([])
    func called(with count: Int) { sizes.withLock { $0.append(count) } }
    var callSizes: [Int] { sizes.withLock { $0 } }
}

/// A batch type: doubles `n` for every job of the batch in one call. With
/// `fail_first_attempt`, the whole call throws while any job is on its first attempt.
struct DoublingBatchJob: BatchJobHandler {
    static let jobType = "test.batch_double"
    let log: BatchLog
    struct Payload: Decodable, Sendable { var n: Int; var fail_first_attempt: Bool? }
    struct Result: Encodable, Sendable { var doubled: Int }
    func run(batch: [BatchJob<Payload>]) async throws -> [Swift.Result<Result, JobError>] {
        log.called(with: batch.count)
        if batch.contains(where: { $0.payload.fail_first_attempt == true && $0.context.attempt == 1 }) {
            throw JobError.permanent("the catalog read failed for the whole batch")
        }
        return batch.map { job in
            job.payload.n < 0
                ? .failure(.permanent("n must not be negative, got \(job.payload.n)"))
                : .success(Result(doubled: job.payload.n * 2))
        }
    }
}

@Suite("Batch handlers", .serialized)
struct BatchTests {
    private func registry(_ log: BatchLog) -> HandlerRegistry {
        var registry = HandlerRegistry()
        registry.register(DoublingBatchJob(log: log))
        return registry
    }

    /// No claim-ahead: one claim of 100 takes every job, so the batch forms
    /// from one claim (a second claim in flight could split it).
    private func batchConfiguration(_ h: WorkerHarness, exitWhenIdle: Bool = true) -> WorkerConfiguration {
        var configuration = h.configuration(concurrency: 100, exitWhenIdle: exitWhenIdle)
        configuration.prefetch = 0
        return configuration
    }

    private func insert(_ h: WorkerHarness, count: Int, payload: String = "jsonb_build_object('n', i)") async throws {
        try await h.connection.execute(
            """
            INSERT INTO marketplace_job (job_type, payload) SELECT 'test.batch_double', \(payload) FROM generate_series(1, $1::int) AS i
            """, [count])
    }

    @Test("100 claimed jobs of a batch type run as one handler call, each with its own result")
    func hundredJobsOneCall() async throws {
        let h = try await WorkerHarness.make("batch100")
        try await withTeardown(await h.finish()) { () async throws in
            let log = BatchLog()
            try await insert(h, count: 100)
            try await h.drain(registry(log), batchConfiguration(h))
            #expect(log.callSizes == [100])
            let rows = try await h.connection.query(
                """
                SELECT count(*) FILTER (WHERE state = 'done' AND attempts = 1 AND (result->>'doubled')::int = 2 * (payload->>'n')::int
                                          AND started_at IS NOT NULL AND started_at <= finished_at) AS good,
                       count(*) AS n FROM marketplace_job
                """
            ).first
            #expect(rows?["good"] == "100")
            #expect(rows?["n"] == "100")
        }
    }

    @Test("one invalid payload and one handler-rejected job fail alone; the other 98 of the batch are done")
    func badJobsFailAlone() async throws {
        let h = try await WorkerHarness.make("batchbad")
        try await withTeardown(await h.finish()) { () async throws in
            let log = BatchLog()
            try await insert(h, count: 98)
            let bad = try await h.insert(DoublingBatchJob.jobType, #"{"n": "seven"}"#)
            let negative = try await h.insert(DoublingBatchJob.jobType, #"{"n": -1}"#)
            try await h.drain(registry(log), batchConfiguration(h))
            #expect(log.callSizes == [99], "the undecodable payload is never passed in")
            let badRow = try await h.job(bad)
            #expect(badRow["state"] == "failed")
            #expect(badRow["error"]?.contains("invalid payload for test.batch_double") == true)
            #expect(badRow["error"]?.contains("n") == true)
            let negativeRow = try await h.job(negative)
            #expect(negativeRow["state"] == "failed")
            #expect(negativeRow["error"] == "n must not be negative, got -1")
            #expect(
                try await h.connection.query(
                    "SELECT count(*) AS n FROM marketplace_job WHERE state = 'done' AND attempts = 1"
                ).first?["n"] == "98")
        }
    }

    @Test("a batch call that throws is a retryable failed attempt of each of its jobs, even for a permanent error")
    func throwingBatchRetriesEachJob() async throws {
        let h = try await WorkerHarness.make("batchthrow")
        try await withTeardown(await h.finish()) { () async throws in
            let log = BatchLog()
            try await insert(h, count: 20, payload: "jsonb_build_object('n', i, 'fail_first_attempt', true)")
            // Not a drain: exit-when-idle would leave the retries pending.
            var configuration = h.configuration(concurrency: 100, exitWhenIdle: false, retryBase: .milliseconds(20), jitter: 0)
            configuration.prefetch = 0
            let worker = h.background(registry(log), configuration)
            defer { worker.cancel() }
            #expect(
                try await eventually {
                    try await h.connection.query("SELECT count(*) AS n FROM marketplace_job WHERE state = 'done'").first?["n"]
                        == "20"
                })
            #expect(log.callSizes.first == 20)
            #expect(log.callSizes.reduce(0, +) == 40, "each job ran twice: \(log.callSizes)")
            let rows = try await h.connection.query(
                """
                SELECT count(*) AS n FROM marketplace_job
                 WHERE state = 'done' AND attempts = 2 AND jsonb_array_length(errors) = 1
                   AND errors->0->>'kind' = 'retry' AND errors->0->>'error' LIKE '%catalog read failed%'
                """
            ).first
            #expect(rows?["n"] == "20")
        }
    }
}
