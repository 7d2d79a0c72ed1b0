import Foundation
import Postgres

/// Prices requests and stores them, shared by the three sell-offer jobs.
public struct OrderPriceService: Sendable {
    /// How long a stored price is trusted: `expires_at = calculated_at + ttl`.
    public let ttlSeconds: Int

    /// 3600 s, or `MJ_ORDER_PRICE_TTL_SECONDS` when set to a positive integer.
    public static var defaultTTLSeconds: Int {
        if let text = ProcessInfo.processInfo.environment["MJ_ORDER_PRICE_TTL_SECONDS"], let value = Int(text), value > 0 {
            return value
        }
        return 3600
    }

    public init(ttlSeconds: Int = OrderPriceService.defaultTTLSeconds) {
        precondition(ttlSeconds > 0, "ttl must be positive")
        self.ttlSeconds = ttlSeconds
    }

    /// One stored calculation with its row's id and timestamps.
    public struct Stored: Sendable {
        /// The row's `order_price_id`: lowercase hex SHA-256 of the request's canonical JSON.
        public let orderPriceID: String
        public let calculation: OrderPriceCalculation
        /// The calculation's amounts as stored (fixed-point text in the minor unit).
        public let amounts: FormattedAmounts
        public let calculatedAt: Date
        public let expiresAt: Date
    }

    /// Prices and stores `requests` in one transaction, one result per
    /// request in order, with the same statements for one request or a
    /// hundred:
    /// 1. name every row (`sha256()` of the canonical JSON) and lock it against
    ///    concurrent recalculation, all locks in one deadlock-free order;
    /// 2. read the catalog all requests need, once;
    /// 3. price each distinct request (requests with equal inputs are one row,
    ///    priced once; each of them gets that row back);
    /// 4. upsert every row and its offer links in one statement;
    /// 5. refresh the aggregates that cover any of the rows.
    public func recalculate(_ requests: [OrderPriceRequest], database: PostgresPool) async throws -> [Stored] {
        guard !requests.isEmpty else { return [] }
        var distinct: [OrderPriceRequest] = []
        var positionOf: [String: Int] = [:]  // canonical JSON → index in `distinct`
        var distinctJSON: [String] = []
        var positions: [Int] = []
        for request in requests {
            let json = request.canonicalJSON
            if let position = positionOf[json] {
                positions.append(position)
            } else {
                positionOf[json] = distinct.count
                positions.append(distinct.count)
                distinct.append(request)
                distinctJSON.append(json)
            }
        }
        let offerIDs = Array(Set(distinct.flatMap(\.sellOfferQuantities.keys)))
        let locations = Array(Set(distinct.map(\.deliverToLocationID)))
        let deliveryMethods = Array(Set(distinct.map(\.deliveryMethodID)))
        let paymentMethods = Array(Set(distinct.map(\.paymentMethodID)))
        let ttlSeconds = ttlSeconds
        let stored = try await database.transaction { connection in
            let ids = try await OrderPriceRepository.identifyAndLock(canonicalJSON: distinctJSON, on: connection)
            let catalog = try await OrderPriceRepository.loadCatalog(
                offerIDs: offerIDs, locationIDs: locations, deliveryMethodIDs: deliveryMethods,
                paymentMethodIDs: paymentMethods, on: connection)
            let calculations = distinct.map { OrderPricer.price($0, catalog: catalog) }
            let amounts = calculations.map(FormattedAmounts.init)
            let times = try await OrderPriceRepository.save(
                (0..<ids.count).map { (ids[$0], calculations[$0], amounts[$0]) }, ttlSeconds: ttlSeconds, on: connection)
            try await OrderPriceRepository.refreshAggregates(covering: ids, on: connection)
            return try (0..<ids.count).map { index in
                let id = ids[index]
                guard let time = times[id] else { throw PostgresError.client(message: "order price \(id) was not saved") }
                return Stored(
                    orderPriceID: id, calculation: calculations[index], amounts: amounts[index],
                    calculatedAt: time.calculatedAt, expiresAt: time.expiresAt)
            }
        }
        return positions.map { stored[$0] }
    }

    /// The `order_price_id` each request's row has (or will have), computed
    /// by PostgreSQL's `sha256()` like the stored ones.
    public func orderPriceIDs(_ requests: [OrderPriceRequest], database: PostgresPool) async throws -> [String] {
        try await database.withConnection { try await OrderPriceRepository.hexDigests(requests.map(\.canonicalJSON), on: $0) }
    }

    /// Lowercase hex SHA-256 of each text's UTF-8 bytes, by PostgreSQL's
    /// `sha256()`: how `order_price_id` and `aggregate_id` are made.
    public static func hexDigests(_ texts: [String], database: PostgresPool) async throws -> [String] {
        try await database.withConnection { try await OrderPriceRepository.hexDigests(texts, on: $0) }
    }
}
