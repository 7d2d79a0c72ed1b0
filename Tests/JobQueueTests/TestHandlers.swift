import Foundation
import JobQueue
import Postgres
import Synchronization

/// Shared memory between a test and the handlers it registers.
final class Recorder: Sendable {
    private let state = Mutex<(order: [Int64], cancelled: Set<Int64>, started: Set<Int64>)>(([], [], []))
    private let attempts = Mutex<[Int64: [ContinuousClock.Instant]]>([:])
    func attemptStarted(_ id: Int64) { attempts.withLock { $0[id, default: []].append(.now) } }
    func attemptStarts(_ id: Int64) -> [ContinuousClock.Instant] { attempts.withLock { $0[id] ?? [] } }
    func ran(_ id: Int64) { state.withLock { $0.order.append(id) } }
    func started(_ id: Int64) { _ = state.withLock { $0.started.insert(id) } }
    func cancelled(_ id: Int64) { _ = state.withLock { $0.cancelled.insert(id) } }
    var order: [Int64] { state.withLock { $0.order } }
    var cancelledIDs: Set<Int64> { state.withLock { $0.cancelled } }
    var startedIDs: Set<Int64> { state.withLock { $0.started } }
}

/// Fails its first `fail_times` attempts, then succeeds.
struct FlakyJob: JobHandler {
    static let jobType = "test.flaky"
    struct Payload: Decodable, Sendable { var fail_times: Int }
    struct Result: Encodable, Sendable { var succeeded_on: Int }
    func run(_ payload: Payload, context: JobContext) async throws -> Result {
        if context.attempt <= payload.fail_times { throw JobError.retryable("flaky failure on attempt \(context.attempt)") }
        return Result(succeeded_on: context.attempt)
    }
}

/// Always throws a plain (non-JobError) error: retried until attempts run out.
/// Records when each attempt started, to measure the backoff between them.
struct AlwaysFailJob: JobHandler {
    static let jobType = "test.fail"
    let recorder: Recorder
    struct Broken: Error, CustomStringConvertible { var description: String { "upstream is broken" } }
    func run(_ payload: EmptyPayload, context: JobContext) async throws -> EmptyResult {
        recorder.attemptStarted(context.jobID)
        throw Broken()
    }
}

struct PermanentFailJob: JobHandler {
    static let jobType = "test.permanent"
    func run(_ payload: EmptyPayload, context: JobContext) async throws -> EmptyResult {
        throw JobError.permanent("credentials rejected")
    }
}

/// Rate limited on its first run (no history yet), fine afterwards.
struct RateLimitedJob: JobHandler {
    static let jobType = "test.ratelimited"
    struct Payload: Decodable, Sendable { var retry_after_ms: Int }
    func run(_ payload: Payload, context: JobContext) async throws -> EmptyResult {
        let history = try await context.database.query(
            "SELECT jsonb_array_length(errors) AS n FROM marketplace_job WHERE id = $1", [context.jobID]
        ).first?["n"]
        if history == "0" {
            throw JobError.retryAfter(Date().addingTimeInterval(Double(payload.retry_after_ms) / 1000), "HTTP 429 from upstream")
        }
        return EmptyResult()
    }
}

/// Sleeps, recording start and cancellation.
struct SlowJob: JobHandler {
    static let jobType = "test.slow"
    let recorder: Recorder
    struct Payload: Decodable, Sendable { var ms: Int }
    func run(_ payload: Payload, context: JobContext) async throws -> EmptyResult {
        recorder.started(context.jobID)
        do {
            try await Task.sleep(for: .milliseconds(payload.ms))
        } catch {
            recorder.cancelled(context.jobID)
            throw error
        }
        return EmptyResult()
    }
}

/// Records the order jobs ran in.
struct OrderJob: JobHandler {
    static let jobType = "test.order"
    let recorder: Recorder
    func run(_ payload: EmptyPayload, context: JobContext) async throws -> EmptyResult {
        recorder.ran(context.jobID)
        return EmptyResult()
    }
}

/// A typed, nested payload, to see decoding errors name the path.
struct ShapeJob: JobHandler {
    static let jobType = "test.shape"
    struct Item: Decodable, Sendable { var sku: String; var qty: Int }
    struct Payload: Decodable, Sendable { var items: [Item] }
    struct Result: Encodable, Sendable { var count: Int }
    func run(_ payload: Payload, context: JobContext) async throws -> Result { Result(count: payload.items.count) }
}

/// Careless on purpose: puts the account's API key in its error and result.
struct LeakyJob: JobHandler {
    static let jobType = "test.leaky"
    struct Secrets: Decodable { var api_key: String }
    struct Payload: Decodable, Sendable { var fail: Bool }
    struct Result: Encodable, Sendable { var echoed: String }
    func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try context.requireAccount(marketplace: "zortout")
        let key = try account.credentials.decode(Secrets.self, accountID: account.id).api_key
        if payload.fail { throw JobError.permanent("request with apikey \(key) was refused") }
        return Result(echoed: "used \(key)")
    }
}

func testRegistry(_ recorder: Recorder = Recorder()) -> HandlerRegistry {
    var registry = HandlerRegistry()
    registry.register(NoopJob())
    registry.register(FlakyJob())
    registry.register(AlwaysFailJob(recorder: recorder))
    registry.register(PermanentFailJob())
    registry.register(RateLimitedJob())
    registry.register(SlowJob(recorder: recorder))
    registry.register(OrderJob(recorder: recorder))
    registry.register(ShapeJob())
    registry.register(LeakyJob())
    registry.register(DuplicatingJob())
    return registry
}

/// On its first attempt, queues a newer job with its own unique_key (as a
/// trigger would on a data change; scheduled later, so no worker takes it
/// before this attempt's outcome is written) and then fails retryably.
struct DuplicatingJob: JobHandler {
    static let jobType = "test.dup"
    func run(_ payload: EmptyPayload, context: JobContext) async throws -> EmptyResult {
        if context.attempt == 1 {
            try await context.database.execute(
                """
                INSERT INTO marketplace_job (job_type, unique_key, next_run_at)
                SELECT 'system.noop', unique_key, now() + interval '1 hour' FROM marketplace_job WHERE id = $1
                """, [context.jobID])
            throw JobError.retryable("data changed while running")
        }
        return EmptyResult()
    }
}
