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

    /// One stored calculation with its timestamps.
    public struct Stored: Sendable {
        public let calculation: OrderPriceCalculation
        public let calculatedAt: Date
        public let expiresAt: Date
    }

    /// Prices and stores `requests` in one transaction, after locking their
    /// rows against concurrent recalculation, so the later job always reads
    /// (and writes) the later state. One catalog query serves all requests.
    public func recalculate(_ requests: [OrderPriceRequest], database: PostgresPool) async throws -> [Stored] {
        let offerIDs = Array(Set(requests.flatMap(\.sellOfferQuantities.keys)))
        let locations = Array(Set(requests.map(\.deliverToLocationID)))
        let deliveryMethods = Array(Set(requests.map(\.deliveryMethodID)))
        let paymentMethods = Array(Set(requests.map(\.paymentMethodID)))
        return try await database.transaction { connection in
            try await OrderPriceRepository.lock(requests.map(\.orderPriceID), on: connection)
            let catalog = try await OrderPriceRepository.loadCatalog(
                offerIDs: offerIDs, locationIDs: locations, deliveryMethodIDs: deliveryMethods,
                paymentMethodIDs: paymentMethods, on: connection)
            var stored: [Stored] = []
            for request in requests {
                let calculation = OrderPricer.price(request, catalog: catalog)
                let times = try await OrderPriceRepository.save(calculation, ttlSeconds: ttlSeconds, on: connection)
                stored.append(Stored(calculation: calculation, calculatedAt: times.calculatedAt, expiresAt: times.expiresAt))
            }
            return stored
        }
    }
}
