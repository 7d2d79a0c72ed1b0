import Foundation

/// A job type whose jobs are cheaper to run many at a time: one catalog read
/// and one write statement for a hundred jobs instead of a hundred of each.
///
/// The worker hands a batch handler up to `maxBatchSize` claimed jobs of its
/// type and account in one call. The queue's guarantees are unchanged: each
/// job still gets its own outcome, attempt count, retry and error history.
/// A payload that does not decode fails only its own job and is never passed
/// in. If `run(batch:)` throws, every job of the batch is a failed, retryable
/// attempt. A batch handler also runs single jobs, as a batch of one.
public protocol BatchJobHandler: JobHandler {
    /// The most jobs handed to one call; the worker may hand fewer.
    static var maxBatchSize: Int { get }

    /// Runs `batch` and returns one outcome per element, in the same order.
    /// `.failure(.permanent)` fails that job, `.failure(.retryable)` retries
    /// it, `.failure(.retryAfter)` defers it without spending its attempt.
    func run(batch: [BatchJob<Payload>]) async throws -> [Swift.Result<Result, JobError>]
}

extension BatchJobHandler {
    /// Batches of up to 100 unless the type says otherwise.
    public static var maxBatchSize: Int { 100 }

    /// A single job is a batch of one, so a type's logic lives in one place.
    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let outcomes = try await run(batch: [BatchJob(context: context, payload: payload)])
        guard outcomes.count == 1 else {
            throw JobError.retryable("\(Self.jobType): batch handler returned \(outcomes.count) outcomes for 1 job")
        }
        return try outcomes[0].get()
    }
}
