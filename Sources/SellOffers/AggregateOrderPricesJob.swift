import Foundation
import JobQueue
import Postgres

/// `sell_offer.aggregate`: prices every combination of locations, delivery
/// methods and payment methods for one sell offer and one order quantity, and
/// stores min / max / average of the complete totals.
///
/// Payload: `{"sellOfferId": "SO-A", "orderQuantity": 3, "deliverToLocationIds": ["BKK"],
/// "deliveryMethodIds": ["DM-1"], "paymentMethodIds": ["PM-1"], "excludeEmpty": true}`.
///
/// Each combination is an ordinary `order_price` row (error ones too, with
/// their errors). The aggregate row lists them and is recomputed from them by
/// `sell_offer_refresh_aggregates`, here and after every later
/// recalculation, so it follows catalog changes without being re-requested.
public struct AggregateOrderPricesJob: JobHandler {
    public static let jobType = "sell_offer.aggregate"
    public static var timeout: Duration { .seconds(300) }
    /// More combinations than this is almost certainly a mistake in the request.
    public static let maxCombinations = 10_000

    public struct Payload: Decodable, Sendable {
        let value: PayloadValue
        public init(from decoder: any Decoder) throws { value = try PayloadValue(from: decoder) }
    }

    public struct Result: Codable, Sendable, Equatable {
        public struct Combination: Codable, Sendable, Equatable {
            public var deliverToLocationId: String
            public var deliveryMethodId: String
            public var paymentMethodId: String
            public var orderPriceId: String
            public var status: String
            public var total: String?
            public var errors: [String]
        }
        public var aggregateId: String
        public var sellOfferId: String
        public var orderQuantity: Int
        public var excludeEmpty: Bool
        public var currency: String?
        public var min: String?
        public var max: String?
        public var average: String?
        public var completeCount: Int
        public var excludedCount: Int
        public var combinations: [Combination]
    }

    struct Request {
        let sellOfferID: String
        let orderQuantity: Int
        let locations: [String]
        let deliveryMethods: [String]
        let paymentMethods: [String]
        let excludeEmpty: Bool

        /// Lists sorted: the same set of combinations is the same aggregate.
        var canonicalJSON: String {
            func list(_ ids: [String]) -> String {
                "[" + ids.sorted(by: CanonicalJSON.precedes).map(CanonicalJSON.string).joined(separator: ",") + "]"
            }
            return "{\"deliverToLocationIds\":" + list(locations) + ",\"deliveryMethodIds\":" + list(deliveryMethods)
                + ",\"excludeEmpty\":" + (excludeEmpty ? "true" : "false") + ",\"orderQuantity\":" + String(orderQuantity)
                + ",\"paymentMethodIds\":" + list(paymentMethods) + ",\"sellOfferId\":" + CanonicalJSON.string(sellOfferID) + "}"
        }

        var combinations: [OrderPriceRequest] {
            locations.flatMap { location in
                deliveryMethods.flatMap { delivery in
                    paymentMethods.map { payment in
                        OrderPriceRequest(
                            sellOfferQuantities: [sellOfferID: orderQuantity], deliverToLocationID: location,
                            deliveryMethodID: delivery, paymentMethodID: payment)
                    }
                }
            }
        }
    }

    let service: OrderPriceService

    public init(service: OrderPriceService = OrderPriceService()) { self.service = service }

    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let request = try Self.validate(payload.value)
        let known = try await context.database.withConnection { connection in
            try await OrderPriceRepository.existingOfferIDs([request.sellOfferID], on: connection)
        }
        guard known.contains(request.sellOfferID) else {
            throw JobError.permanent("sellOfferId: unknown sell offer id \(request.sellOfferID)")
        }
        let stored = try await service.recalculate(request.combinations, database: context.database)
        // aggregate_id is PostgreSQL's sha256() of the request's canonical JSON, like order_price_id.
        let (aggregateID, row) = try await context.database.transaction { connection in
            let aggregateID = try await connection.query(
                """
                INSERT INTO sell_offer_price_aggregate (aggregate_id, sell_offer_id, order_quantity, deliver_to_location_ids,
                    delivery_method_ids, payment_method_ids, exclude_empty, order_price_ids, complete_count, excluded_count)
                VALUES (encode(sha256(convert_to($1, 'UTF8')), 'hex'), $2, $3::integer, $4::text[], $5::text[], $6::text[],
                        $7::boolean, $8::text[], 0, 0)
                ON CONFLICT (aggregate_id) DO UPDATE SET order_price_ids = EXCLUDED.order_price_ids
                RETURNING aggregate_id
                """,
                [
                    request.canonicalJSON, request.sellOfferID, request.orderQuantity, request.locations, request.deliveryMethods,
                    request.paymentMethods, request.excludeEmpty, stored.map(\.orderPriceID),
                ]
            ).first?.decode(String.self, "aggregate_id")
            guard let aggregateID else { throw JobError.retryable("aggregate upsert returned no row") }
            try await connection.query("SELECT sell_offer_refresh_aggregates(ARRAY[$1::text])", [aggregateID])
            return (
                aggregateID,
                try await connection.query(
                    """
                    SELECT currency, min_total::text AS min_total, max_total::text AS max_total, average_total::text AS average_total,
                           complete_count, excluded_count
                      FROM sell_offer_price_aggregate WHERE aggregate_id = $1
                    """, [aggregateID]
                ).first
            )
        }
        guard let row else { throw JobError.retryable("aggregate row \(aggregateID) vanished") }
        let currency = stored.lazy.compactMap(\.calculation.currency).first
        let money: (String?) -> String? = { text in
            guard let text, let value = Money.parse(text) else { return nil }
            return currency?.format(value) ?? text
        }
        return Result(
            aggregateId: aggregateID, sellOfferId: request.sellOfferID, orderQuantity: request.orderQuantity,
            excludeEmpty: request.excludeEmpty, currency: row["currency"],
            min: money(row["min_total"]), max: money(row["max_total"]), average: money(row["average_total"]),
            completeCount: try row.decode(Int.self, "complete_count"), excludedCount: try row.decode(Int.self, "excluded_count"),
            combinations: stored.map { item in
                let calculation = item.calculation
                return Result.Combination(
                    deliverToLocationId: calculation.request.deliverToLocationID,
                    deliveryMethodId: calculation.request.deliveryMethodID,
                    paymentMethodId: calculation.request.paymentMethodID, orderPriceId: item.orderPriceID,
                    status: calculation.status.rawValue,
                    total: item.amounts.total,
                    errors: calculation.errors)
            })
    }

    static func validate(_ value: PayloadValue) throws(JobError) -> Request {
        var problems = PayloadProblems()
        let fields = problems.object(value, "payload")
        if !problems.isEmpty { throw .permanent("invalid \(jobType) payload: " + problems.lines.joined(separator: "; ")) }
        let offer = problems.id(fields["sellOfferId"], "sellOfferId")
        let quantity = problems.quantity(fields["orderQuantity"], "orderQuantity")
        let locations = problems.idList(fields["deliverToLocationIds"], "deliverToLocationIds")
        let deliveries = problems.idList(fields["deliveryMethodIds"], "deliveryMethodIds")
        let payments = problems.idList(fields["paymentMethodIds"], "paymentMethodIds")
        var excludeEmpty = true
        switch fields["excludeEmpty"] {
        case nil, .null?: break
        case .bool(let flag)?: excludeEmpty = flag
        case let other?: problems.add("excludeEmpty", "expected true or false, found \(other.kind) (\(other.shown))")
        }
        let count = locations.count * deliveries.count * payments.count
        if count > maxCombinations {
            problems.add("payload", "\(count) combinations requested; at most \(maxCombinations)")
        }
        guard problems.isEmpty, let offer, let quantity else {
            throw .permanent("invalid \(jobType) payload: " + problems.lines.joined(separator: "; "))
        }
        return Request(
            sellOfferID: offer, orderQuantity: quantity, locations: locations, deliveryMethods: deliveries,
            paymentMethods: payments, excludeEmpty: excludeEmpty)
    }

    public static func describe(result: Data) -> String? {
        guard let result = try? JSONDecoder().decode(Result.self, from: result) else { return nil }
        var lines = [
            "aggregate \(result.aggregateId): \(result.sellOfferId) × \(result.orderQuantity) (\(result.currency ?? "no currency"))"
        ]
        lines.append(
            "  min \(result.min ?? "-"), max \(result.max ?? "-"), average \(result.average ?? "-")"
                + "; \(result.completeCount) complete, \(result.excludedCount) excluded")
        for combination in result.combinations {
            let outcome = combination.total ?? ("error: " + combination.errors.joined(separator: "; "))
            lines.append(
                "  \(combination.deliverToLocationId) \(combination.deliveryMethodId) \(combination.paymentMethodId): \(outcome)")
        }
        return lines.joined(separator: "\n")
    }
}
