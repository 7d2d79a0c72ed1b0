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
public struct RecalculateOrderPriceJob: JobHandler {
    public static let jobType = "sell_offer.recalculate"
    public static var timeout: Duration { .seconds(60) }

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

    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let (request, reason) = try Self.validate(payload.value)
        guard let stored = try await service.recalculate([request], database: context.database).first else {
            throw JobError.retryable("no calculation returned")
        }
        let result = Self.result(stored)
        let unknown = stored.calculation.unknownSellOfferIDs
        if !unknown.isEmpty && reason == nil {
            throw JobError.permanent("sellOfferQuantities: unknown sell offer id\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")); "
                + "order price \(result.orderPriceId) stored with status error: \(result.errors.joined(separator: "; "))")
        }
        context.logger.debug("order price recalculated", metadata: [
            "order_price_id": "\(result.orderPriceId)", "status": "\(result.status)", "total": "\(result.total ?? "-")",
        ])
        return result
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
        return (OrderPriceRequest(sellOfferQuantities: quantities, deliverToLocationID: location,
                                  deliveryMethodID: delivery, paymentMethodID: payment), reason)
    }

    static func result(_ stored: OrderPriceService.Stored) -> Result {
        let calculation = stored.calculation
        let format: (Decimal?) -> String? = { amount in amount.flatMap { value in calculation.currency.map { $0.format(value) } } }
        return Result(
            orderPriceId: calculation.orderPriceID, status: calculation.status.rawValue, currency: calculation.currency?.code,
            orderQuantity: calculation.orderQuantity, orderSubtotal: format(calculation.subtotal),
            deliveryPrice: format(calculation.deliveryPrice), paymentPrice: format(calculation.paymentPrice),
            total: format(calculation.total), errors: calculation.errors,
            lines: calculation.lines.map { line in
                Result.Line(sellOfferId: line.sellOfferID, quantity: line.quantity, unitPrice: format(line.unitPrice) ?? "",
                            lineTotal: format(line.lineTotal) ?? "", basis: line.basis.rawValue)
            },
            calculatedAt: stored.calculatedAt, expiresAt: stored.expiresAt)
    }

    /// For `jobctl show`:
    /// ```
    /// order price 1f0c…e9 (complete, THB)
    ///   SO-A     3 × 95.00 = 285.00   (orderQty tier)
    ///   SO-B     8 × 50.00 = 400.00   (sellOfferQty tier)
    ///   subtotal   685.00
    ///   delivery    95.00
    ///   payment     33.40
    ///   total      813.40
    ///   expires 2026-01-01T10:00:00Z
    /// ```
    public static func describe(result: Data) -> String? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let result = try? decoder.decode(Result.self, from: result) else { return nil }
        var lines = ["order price \(result.orderPriceId) (\(result.status)\(result.currency.map { ", " + $0 } ?? ""))"]
        lines.append("  quantity \(result.orderQuantity)")
        let idWidth = result.lines.map(\.sellOfferId.count).max() ?? 0
        let quantityWidth = result.lines.map { String($0.quantity).count }.max() ?? 0
        let unitWidth = result.lines.map(\.unitPrice.count).max() ?? 0
        let lineWidth = result.lines.map(\.lineTotal.count).max() ?? 0
        for line in result.lines {
            lines.append("  " + pad(line.sellOfferId, idWidth, left: true) + "  " + pad(String(line.quantity), quantityWidth)
                         + " × " + pad(line.unitPrice, unitWidth) + " = " + pad(line.lineTotal, lineWidth)
                         + "  (\(line.basis) tier)")
        }
        let figures = [("subtotal", result.orderSubtotal), ("delivery", result.deliveryPrice),
                       ("payment", result.paymentPrice), ("total", result.total)].compactMap { label, value in value.map { (label, $0) } }
        let figureWidth = figures.map(\.1.count).max() ?? 0
        for (label, value) in figures { lines.append("  " + pad(label, 8, left: true) + "  " + pad(value, figureWidth)) }
        for error in result.errors { lines.append("  error: \(error)") }
        lines.append("  calculated \(result.calculatedAt.formatted(.iso8601)), expires \(result.expiresAt.formatted(.iso8601))")
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + padding : padding + text
    }
}
