import Foundation
import JobQueue

/// `sell_offer.recalculate`: prices one combination and upserts its
/// `order_price` row.
///
/// Two kinds of failure, kept apart on purpose:
/// - a malformed payload (empty map, quantity 0 or 2.5, a non-string id) is
///   the caller's bug: the job fails permanently naming every bad field, and
///   nothing is stored (there is no well-defined row to store);
/// - pricing problems (disabled offer, missing link or rate, currency
///   mismatch) are facts about the catalog: the row is stored with status
///   `error` and its `errors_found`, and the job succeeds; a later catalog
///   change re-prices it through the triggers.
/// An *unknown* sell offer id is both: the row is stored with the error (so a
/// reader of the cache sees why, and the offer's creation re-prices it), and
/// the job then fails permanently naming the id, since the enqueuer asked for
/// something that does not exist. Re-pricings the database enqueues itself
/// (triggers, `sell_offer.refresh_expired`) carry `"reason"`; for them the
/// stored error is the whole outcome and the job succeeds, so a catalog
/// change never leaves failed jobs behind.
///
/// Payload: `{"sellOfferQuantities": {"SO-A": 3}, "deliverToLocationId": "BKK",
/// "deliveryMethodId": "DM-1", "paymentMethodId": "PM-1"}`, plus the optional
/// `"reason"` string.
///
/// A batch handler: the worker may hand it up to 100 claimed jobs at once,
/// which are priced with one catalog read and stored with one upsert (see
/// `OrderPriceService.recalculate`), each job still getting its own outcome.
public struct RecalculateOrderPriceJob: BatchJobHandler {
    public static let jobType = "sell_offer.recalculate"
    public static var timeout: Duration { .seconds(60) }
    public static var maxBatchSize: Int { 100 }

    public struct Payload: Decodable, Sendable {
        let value: PayloadValue
        public init(from decoder: any Decoder) throws { value = try PayloadValue(from: decoder) }
    }

    public struct Result: Codable, Sendable, Equatable {
        public struct Line: Codable, Sendable, Equatable {
            public var sellOfferId: String
            public var quantity: Int
            public var unitPrice: String
            public var lineTotal: String
            /// `sellOfferQty` or `orderQty`: which tier basis gave the unit price.
            public var basis: String
        }
        public var orderPriceId: String
        public var status: String
        public var currency: String?
        public var orderQuantity: Int
        public var orderSubtotal: String?
        public var deliveryPrice: String?
        public var paymentPrice: String?
        public var total: String?
        public var errors: [String]
        public var lines: [Line]
        public var calculatedAt: Date
        public var expiresAt: Date
    }

    let service: OrderPriceService

    public init(service: OrderPriceService = OrderPriceService()) { self.service = service }

    /// Validates every payload (a bad one fails its own job, permanently,
    /// naming every bad field), prices and stores all valid requests in one
    /// transaction, then gives each job its own outcome. A database error
    /// throws, and the worker retries every job of the batch.
    public func run(batch: [BatchJob<Payload>]) async throws -> [Swift.Result<Result, JobError>] {
        var outcomes = [Swift.Result<Result, JobError>?](repeating: nil, count: batch.count)
        var valid: [(index: Int, request: OrderPriceRequest, reason: String?)] = []
        for (index, job) in batch.enumerated() {
            do {
                let (request, reason) = try Self.validate(job.payload.value)
                valid.append((index, request, reason))
            } catch {
                outcomes[index] = .failure(error)
            }
        }
        if !valid.isEmpty {
            // Every context shares the worker's handler pool.
            let stored = try await service.recalculate(valid.map(\.request), database: batch[valid[0].index].context.database)
            guard stored.count == valid.count else {
                throw JobError.retryable("\(stored.count) calculations returned for \(valid.count) requests")
            }
            for (item, stored) in zip(valid, stored) {
                outcomes[item.index] = Self.outcome(stored, reason: item.reason, context: batch[item.index].context)
            }
        }
        return outcomes.map { $0 ?? .failure(.retryable("\(Self.jobType): no outcome")) }
    }

    /// One job's outcome: its result, or the unknown-sell-offer failure when a
    /// caller (not the database: no `reason`) asked for an offer that does not exist.
    static func outcome(_ stored: OrderPriceService.Stored, reason: String?, context: JobContext)
        -> Swift.Result<Result, JobError>
    {
        let result = Self.result(stored)
        let unknown = stored.calculation.unknownSellOfferIDs
        if !unknown.isEmpty && reason == nil {
            return .failure(
                .permanent(
                    "sellOfferQuantities: unknown sell offer id\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")); "
                        + "order price \(result.orderPriceId) stored with status error: \(result.errors.joined(separator: "; "))")
            )
        }
        context.logger.debug(
            "order price recalculated",
            metadata: [
                "order_price_id": "\(result.orderPriceId)", "status": "\(result.status)", "total": "\(result.total ?? "-")",
            ])
        return .success(result)
    }

    /// The payload as a request, or a permanent error naming every bad field.
    static func validate(_ value: PayloadValue) throws(JobError) -> (OrderPriceRequest, reason: String?) {
        var problems = PayloadProblems()
        let fields = problems.object(value, "payload")
        if !problems.isEmpty { throw .permanent("invalid \(jobType) payload: " + problems.lines.joined(separator: "; ")) }
        var quantities: [String: Int] = [:]
        switch fields["sellOfferQuantities"] {
        case nil:
            problems.add("sellOfferQuantities", "required field is missing")
        case .object(let map)?:
            if map.isEmpty { problems.add("sellOfferQuantities", "must name at least one sell offer") }
            for key in map.keys.sorted(by: CanonicalJSON.precedes) {
                if key.isEmpty { problems.add("sellOfferQuantities", "a sell offer id must not be empty"); continue }
                if let quantity = problems.quantity(map[key], "sellOfferQuantities.\(key)") { quantities[key] = quantity }
            }
        case let other?:
            problems.add("sellOfferQuantities", "expected an object of sell offer id to quantity, found \(other.kind)")
        }
        if quantities.values.reduce(0, +) > PayloadProblems.maxOrderQuantity {
            problems.add("sellOfferQuantities", "the quantities add up to more than \(PayloadProblems.maxOrderQuantity)")
        }
        let location = problems.id(fields["deliverToLocationId"], "deliverToLocationId")
        let delivery = problems.id(fields["deliveryMethodId"], "deliveryMethodId")
        let payment = problems.id(fields["paymentMethodId"], "paymentMethodId")
        let reason = fields["reason"].flatMap { problems.id($0, "reason") }
        guard problems.isEmpty, let location, let delivery, let payment else {
            throw .permanent("invalid \(jobType) payload: " + problems.lines.joined(separator: "; "))
        }
        return (
            OrderPriceRequest(
                sellOfferQuantities: quantities, deliverToLocationID: location,
                deliveryMethodID: delivery, paymentMethodID: payment), reason
        )
    }

    static func result(_ stored: OrderPriceService.Stored) -> Result {
        let calculation = stored.calculation
        let amounts = stored.amounts
        return Result(
            orderPriceId: stored.orderPriceID, status: calculation.status.rawValue, currency: calculation.currency?.code,
            orderQuantity: calculation.orderQuantity, orderSubtotal: amounts.subtotal, deliveryPrice: amounts.deliveryPrice,
            paymentPrice: amounts.paymentPrice, total: amounts.total, errors: calculation.errors,
            lines: zip(calculation.lines, amounts.lines).map { line, text in
                Result.Line(
                    sellOfferId: line.sellOfferID, quantity: line.quantity, unitPrice: text.unitPrice,
                    lineTotal: text.lineTotal, basis: line.basis.rawValue)
            },
            calculatedAt: stored.calculatedAt, expiresAt: stored.expiresAt)
    }
}
