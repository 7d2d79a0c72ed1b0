import Foundation
import JobQueue
import Logging
import Postgres
import SellOffers
import TestSupport

/// A fresh database seeded with the design doc's example data, and a real
/// in-process `Worker` with the sell-offer handlers to drain its queue.
struct SellOfferHarness {
    let database: TestDatabase
    let pool: PostgresPool

    /// The design doc's "Data" section.
    static let exampleData = """
        INSERT INTO sell_offer_plan (id, user_id, currency) VALUES ('P1', 'U1', 'THB');
        INSERT INTO sell_offer (id, product_id, user_id, plan_id, currency) VALUES
            ('SO-A', 'PR-A', 'U1', 'P1', 'THB'), ('SO-B', 'PR-B', 'U1', 'P1', 'THB');
        INSERT INTO sell_offer_price_tier (sell_offer_id, basis, up_to_quantity, unit_price) VALUES
            ('SO-A', 'sellOfferQty', 9, 100.00), ('SO-A', 'sellOfferQty', NULL, 90.00),
            ('SO-A', 'orderQty', NULL, 95.00), ('SO-B', 'sellOfferQty', NULL, 50.00);
        WITH link AS (
            INSERT INTO sell_offer_delivery_link (plan_id, delivery_method_id, currency, one_time_amount)
            VALUES ('P1', 'DM-1', 'THB', 0) RETURNING id
        )
        INSERT INTO sell_offer_delivery_rate (delivery_link_id, deliver_to_location_id, per_order, per_unit)
        SELECT id, 'BKK', 40.00, 5.00 FROM link;
        INSERT INTO sell_offer_payment_link (plan_id, payment_method_id, currency, one_time_amount, one_time_percentage) VALUES
            ('P1', 'PM-1', 'THB', 10.00, 3), ('P1', 'PM-2', 'USD', 1.00, 0), ('P1', 'PM-3', 'USD', 0, 2);
        """

    static func make(_ label: String, seed: Bool = true) async throws -> SellOfferHarness {
        let database = try await TestDatabase.create(label: label)
        let harness = SellOfferHarness(database: database, pool: database.pool())
        if seed { try await harness.pool.withConnection { try await $0.executeScript(exampleData) } }
        return harness
    }

    func close() async {
        await pool.close()
        await database.drop()
    }

    static var registry: HandlerRegistry {
        var registry = HandlerRegistry()
        registry.register(RecalculateOrderPriceJob())
        registry.register(AggregateOrderPricesJob())
        registry.register(RefreshExpiredOrderPricesJob())
        return registry
    }

    /// Runs a worker until no job is due and none runs.
    func drain(concurrency: Int = 4, prefetch: Int = WorkerConfiguration.defaultPrefetch) async throws {
        let worker = Worker(
            configuration: WorkerConfiguration(
                database: database.configuration, concurrency: concurrency, exitWhenIdle: true,
                pollInterval: .milliseconds(200), prefetch: prefetch, retryPolicy: .standard),
            registry: Self.registry,
            logger: Logger(label: "sell-offers-test") { _ in SwiftLogNoOpLogHandler() })
        try await worker.run()
    }

    @discardableResult
    func enqueue(_ jobType: String, _ payload: String) async throws -> Int64 {
        try await pool.query("SELECT marketplace_enqueue($1, $2::jsonb) AS id", [jobType, PostgresJSON(text: payload)])
            .first!.decode(Int64.self, "id")
    }

    struct JobRow {
        let state: String
        let result: Data?
        let error: String?
    }

    func job(_ id: Int64) async throws -> JobRow {
        let row = try await pool.query("SELECT state, result::text AS result, error FROM marketplace_job WHERE id = $1", [id])
            .first!
        return JobRow(
            state: try row.decode(String.self, "state"), result: row["result"].map { Data($0.utf8) }, error: row["error"])
    }

    func result<R: Decodable>(_ type: R.Type, job id: Int64) async throws -> R {
        let row = try await job(id)
        guard row.state == "done", let data = row.result else {
            throw TestSetupError("job \(id) is \(row.state): \(row.error ?? "no error")")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(R.self, from: data)
    }

    /// The stored row, every numeric as its exact text.
    func orderPrice(_ id: String) async throws -> PostgresRow? {
        try await pool.query(
            """
            SELECT order_price_id, status, errors_found::text AS errors_found, order_quantity,
                   order_subtotal::text AS order_subtotal, delivery_price::text AS delivery_price,
                   payment_price::text AS payment_price, total::text AS total, currency,
                   sell_offer_prices::text AS sell_offer_prices, sell_offer_quantities::text AS sell_offer_quantities,
                   extract(epoch FROM expires_at - calculated_at)::integer AS ttl
              FROM order_price WHERE order_price_id = $1
            """, [id]
        ).first
    }

    /// The stored row of `request`, found by its id.
    func orderPrice(_ request: OrderPriceRequest) async throws -> PostgresRow? {
        try await orderPrice(try await orderPriceID(request))
    }

    /// `request`'s `order_price_id`, as the jobs compute it (PostgreSQL's sha256()).
    func orderPriceID(_ request: OrderPriceRequest) async throws -> String {
        try await orderPriceIDs([request])[0]
    }

    func orderPriceIDs(_ requests: [OrderPriceRequest]) async throws -> [String] {
        try await OrderPriceService().orderPriceIDs(requests, database: pool)
    }

    func pendingJobs(_ jobType: String) async throws -> [(id: Int64, uniqueKey: String?, payload: String)] {
        try await pool.query(
            """
            SELECT id, unique_key, payload::text AS payload FROM marketplace_job
             WHERE job_type = $1 AND state = 'pending' ORDER BY id
            """, [jobType]
        ).rows.map { (try $0.decode(Int64.self, "id"), $0["unique_key"], try $0.decode(String.self, "payload")) }
    }
}

extension OrderPriceRequest {
    static func example(
        _ quantities: [String: Int], _ location: String = "BKK", _ delivery: String = "DM-1",
        _ payment: String = "PM-1"
    ) -> OrderPriceRequest {
        OrderPriceRequest(
            sellOfferQuantities: quantities, deliverToLocationID: location, deliveryMethodID: delivery, paymentMethodID: payment)
    }
}
