import Foundation

/// A handler with its types erased: JSON in, JSON out.
public struct AnyJobHandler: Sendable {
    public let jobType: String
    public let timeout: Duration
    public let requiresAccount: Bool
    /// The type's concurrency limit, written to the database at worker start; `nil`: none.
    public let concurrencyLimit: ConcurrencyLimit?
    /// The most jobs one `runBatch` call takes; 1 for handlers that are not batch handlers.
    public let maxBatchSize: Int
    private let runner: @Sendable (Data, JobContext) async throws -> Data
    private let batchRunner: (@Sendable ([(payload: Data, context: JobContext)]) async throws -> [Swift.Result<Data, JobError>])?
    private let describer: @Sendable (Data) -> String?

    init<H: JobHandler>(_ handler: H) {
        jobType = H.jobType
        timeout = H.timeout
        requiresAccount = H.requiresAccount
        concurrencyLimit = H.concurrencyLimit
        maxBatchSize = 1
        runner = { payloadJSON, context in
            let payload = try Self.decode(H.self, payloadJSON)
            return try Self.encode(try await handler.run(payload, context: context))
        }
        batchRunner = nil
        describer = { H.describe(result: $0) }
    }

    init<H: BatchJobHandler>(batch handler: H) {
        jobType = H.jobType
        timeout = H.timeout
        requiresAccount = H.requiresAccount
        concurrencyLimit = H.concurrencyLimit
        maxBatchSize = max(1, H.maxBatchSize)
        runner = { payloadJSON, context in
            let payload = try Self.decode(H.self, payloadJSON)
            return try Self.encode(try await handler.run(payload, context: context))
        }
        batchRunner = { items in
            // Jobs whose payload does not decode fail on their own; the rest run together.
            var outcomes = [Swift.Result<Data, JobError>?](repeating: nil, count: items.count)
            var batch: [BatchJob<H.Payload>] = []
            var positions: [Int] = []
            for (index, item) in items.enumerated() {
                do {
                    batch.append(BatchJob(context: item.context, payload: try Self.decode(H.self, item.payload)))
                    positions.append(index)
                } catch let error as JobError {
                    outcomes[index] = .failure(error)
                }
            }
            if !batch.isEmpty {
                let results = try await handler.run(batch: batch)
                guard results.count == batch.count else {
                    throw JobError.retryable(
                        "\(H.jobType): batch handler returned \(results.count) outcomes for \(batch.count) jobs")
                }
                for (position, result) in zip(positions, results) {
                    switch result {
                    case .success(let value):
                        do { outcomes[position] = .success(try Self.encode(value)) } catch {
                            outcomes[position] = .failure(.retryable("could not encode the result: \(error)"))
                        }
                    case .failure(let error):
                        outcomes[position] = .failure(error)
                    }
                }
            }
            return outcomes.map { $0 ?? .failure(.retryable("\(H.jobType): no outcome")) }
        }
        describer = { H.describe(result: $0) }
    }

    /// Decodes a payload, turning a decoding error into a permanent failure naming the field.
    private static func decode<H: JobHandler>(_: H.Type, _ payloadJSON: Data) throws(JobError) -> H.Payload {
        // EmptyPayload accepts any JSON, so there is nothing to parse (this
        // was ~6% of a no-op job's CPU).
        if let empty = EmptyPayload() as? H.Payload { return empty }
        do {
            return try JSONDecoder().decode(H.Payload.self, from: payloadJSON)
        } catch {
            throw .permanent("invalid payload for \(H.jobType): \(DecodingErrorText.describe(error, json: payloadJSON))")
        }
    }

    private static func encode<R: Encodable>(_ result: R) throws -> Data {
        if result is EmptyResult { return Data("{}".utf8) }
        return try JSONEncoder.jobResult.encode(result)
    }

    /// Whether `runBatch` may be given more than one job.
    public var isBatch: Bool { batchRunner != nil }

    /// Runs many jobs of this type in one handler call, one outcome per item in
    /// order. For a handler that is not a batch handler, runs them one by one.
    /// Throws only when the whole batch failed (every job then retries).
    public func runBatch(_ items: [(payload: Data, context: JobContext)]) async throws -> [Swift.Result<Data, JobError>] {
        if let batchRunner { return try await batchRunner(items) }
        var outcomes: [Swift.Result<Data, JobError>] = []
        for item in items {
            do { outcomes.append(.success(try await runner(item.payload, item.context))) } catch let error as JobError {
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }

    /// Decodes the payload, runs the handler and encodes its result.
    public func run(payload: Data, context: JobContext) async throws -> Data {
        try await runner(payload, context)
    }

    public func describe(result: Data) -> String? { describer(result) }
}
