import Foundation
import HTTPClient
import JobQueue
import Logging
import Postgres
import SellOffers
import TestSupport

/// Runs `sell_offer.recalculate` jobs as the worker will once it batches:
/// payloads and real `JobContext`s against the harness database, handed to
/// the registered handler's `runBatch` in one call.
extension SellOfferHarness {
    /// A job context like the worker's (`jobID` only names the job in logs and errors).
    func context(jobID: Int64, attempt: Int = 1) -> JobContext {
        JobContext(
            jobID: jobID, jobType: RecalculateOrderPriceJob.jobType, attempt: attempt, maxAttempts: 5, account: nil,
            database: pool, logger: Logger(label: "sell-offers-batch-test") { _ in SwiftLogNoOpLogHandler() },
            http: URLSessionHTTPClient())
    }

    /// The type-erased handler the worker looks up for `sell_offer.recalculate`.
    static func recalculateHandler(_ registry: HandlerRegistry = registry) throws -> AnyJobHandler {
        guard let handler = registry.handler(for: RecalculateOrderPriceJob.jobType) else {
            throw TestSetupError("sell_offer.recalculate is not registered")
        }
        return handler
    }

    /// Runs `payloads` (JSON texts) as one batch: one outcome per payload, in order.
    func runBatch(_ payloads: [String], handler: AnyJobHandler? = nil) async throws -> [Swift.Result<
        RecalculateOrderPriceJob.Result, JobError
    >] {
        let handler = try handler ?? Self.recalculateHandler()
        let items = payloads.enumerated().map { (payload: Data($1.utf8), context: context(jobID: Int64($0 + 1))) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try await handler.runBatch(items).map { outcome in
            switch outcome {
            case .success(let data): return .success(try decoder.decode(RecalculateOrderPriceJob.Result.self, from: data))
            case .failure(let error): return .failure(error)
            }
        }
    }
}
