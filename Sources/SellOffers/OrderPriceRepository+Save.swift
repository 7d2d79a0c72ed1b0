import Foundation
import Postgres

extension OrderPriceRepository {
    /// Upserts every calculation's `order_price` row and its
    /// `order_price_sell_offer` links in ONE statement, whatever the batch
    /// size: the rows travel as one jsonb array that `jsonb_to_recordset`
    /// turns back into typed columns (amounts as decimal strings, so `numeric`
    /// reads them exactly). Ids must be distinct: one statement cannot update
    /// a row twice. Returns (calculated_at, expires_at) by order price id; all
    /// rows of one statement share `now()`, hence one TTL start.
    static func save(
        _ items: [(orderPriceID: String, calculation: OrderPriceCalculation, amounts: FormattedAmounts)], ttlSeconds: Int,
        on connection: PostgresConnection
    ) async throws -> [String: (calculatedAt: Date, expiresAt: Date)] {
        var json = "["
        json.reserveCapacity(items.count * 600)
        for (index, item) in items.enumerated() {
            if index > 0 { json += "," }
            rowJSON(id: item.orderPriceID, item.calculation, item.amounts, into: &json)
        }
        json += "]"
        let result = try await connection.query(
            """
            WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
                    order_price_id text, sell_offer_quantities jsonb, deliver_to_location_id text, delivery_method_id text,
                    payment_method_id text, order_quantity integer, order_subtotal numeric, sell_offer_prices jsonb,
                    delivery_price numeric, payment_price numeric, total numeric, currency text, status text,
                    errors_found text[], sell_offer_ids text[])
            ), saved AS (
                INSERT INTO order_price (order_price_id, sell_offer_quantities, deliver_to_location_id, delivery_method_id,
                                         payment_method_id, order_quantity, order_subtotal, sell_offer_prices, delivery_price,
                                         payment_price, total, currency, status, errors_found, calculated_at, expires_at)
                SELECT order_price_id, sell_offer_quantities, deliver_to_location_id, delivery_method_id, payment_method_id,
                       order_quantity, order_subtotal, sell_offer_prices, delivery_price, payment_price, total, currency,
                       status, errors_found, now(), now() + $2::integer * interval '1 second'
                  FROM input
                ON CONFLICT (order_price_id) DO UPDATE SET
                    order_subtotal = EXCLUDED.order_subtotal, sell_offer_prices = EXCLUDED.sell_offer_prices,
                    delivery_price = EXCLUDED.delivery_price, payment_price = EXCLUDED.payment_price, total = EXCLUDED.total,
                    currency = EXCLUDED.currency, status = EXCLUDED.status, errors_found = EXCLUDED.errors_found,
                    calculated_at = EXCLUDED.calculated_at, expires_at = EXCLUDED.expires_at
                RETURNING order_price_id, calculated_at, expires_at
            ), links AS (
                INSERT INTO order_price_sell_offer (sell_offer_id, order_price_id)
                SELECT offer.id, input.order_price_id FROM input CROSS JOIN LATERAL unnest(input.sell_offer_ids) AS offer(id)
                ON CONFLICT DO NOTHING
            )
            SELECT order_price_id, calculated_at, expires_at FROM saved
            """, [PostgresJSON(text: json), ttlSeconds])
        var times: [String: (calculatedAt: Date, expiresAt: Date)] = [:]
        for row in result.rows {
            times[try row.decode(String.self, "order_price_id")] = (
                try row.decode(Date.self, "calculated_at"),
                try row.decode(Date.self, "expires_at")
            )
        }
        guard times.count == items.count else {
            throw PostgresError.client(message: "order_price upsert returned \(times.count) rows for \(items.count) calculations")
        }
        return times
    }

    /// One element of the upsert's array, written by hand (no encoder
    /// options, no floating point): money as fixed-point strings in the
    /// currency's minor unit, `sell_offer_prices` as the row stores it.
    private static func rowJSON(
        id: String, _ calculation: OrderPriceCalculation, _ amounts: FormattedAmounts, into json: inout String
    ) {
        let request = calculation.request
        func money(_ text: String?) -> String { text.map(CanonicalJSON.string) ?? "null" }
        func strings(_ values: [String]) -> String { "[" + values.map(CanonicalJSON.string).joined(separator: ",") + "]" }
        let ids = request.sortedSellOfferIDs
        var prices = "null"
        if calculation.status == .complete, calculation.currency != nil {
            prices =
                "{"
                + zip(calculation.lines, amounts.lines).map { line, text in
                    CanonicalJSON.string(line.sellOfferID) + ":{\"lineTotal\":" + CanonicalJSON.string(text.lineTotal)
                        + ",\"quantity\":" + String(line.quantity)
                        + ",\"unitPrice\":" + CanonicalJSON.string(text.unitPrice) + "}"
                }.joined(separator: ",") + "}"
        }
        json += "{\"order_price_id\":" + CanonicalJSON.string(id)
        json +=
            ",\"sell_offer_quantities\":{"
            + ids.map { CanonicalJSON.string($0) + ":" + String(request.sellOfferQuantities[$0]!) }
            .joined(separator: ",") + "}"
        json += ",\"deliver_to_location_id\":" + CanonicalJSON.string(request.deliverToLocationID)
        json += ",\"delivery_method_id\":" + CanonicalJSON.string(request.deliveryMethodID)
        json += ",\"payment_method_id\":" + CanonicalJSON.string(request.paymentMethodID)
        json += ",\"order_quantity\":" + String(calculation.orderQuantity)
        json += ",\"order_subtotal\":" + money(amounts.subtotal)
        json += ",\"sell_offer_prices\":" + prices
        json += ",\"delivery_price\":" + money(amounts.deliveryPrice)
        json += ",\"payment_price\":" + money(amounts.paymentPrice)
        json += ",\"total\":" + money(amounts.total)
        json += ",\"currency\":" + (calculation.currency.map { CanonicalJSON.string($0.code) } ?? "null")
        json += ",\"status\":" + CanonicalJSON.string(calculation.status.rawValue)
        json += ",\"errors_found\":" + strings(calculation.errors)
        json += ",\"sell_offer_ids\":" + strings(ids) + "}"
    }
}
