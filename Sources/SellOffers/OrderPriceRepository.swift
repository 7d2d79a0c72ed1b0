import Foundation
import Postgres

/// The SQL side of order pricing: loads a `PricingCatalog` in one query and
/// stores calculations. Everything runs on a connection the caller holds in a
/// transaction, so a calculation reads and writes one consistent state.
struct OrderPriceRepository {
    /// Advisory-lock namespace for order prices (the two-key form, so it never
    /// collides with single-key locks such as the migrator's).
    static let lockNamespace: Int32 = 0x534F_5052  // "SOPR"

    /// Serialises calculations of the same order prices. Keys are taken in
    /// hash order, so jobs locking several ids cannot deadlock each other.
    static func lock(_ orderPriceIDs: [String], on connection: PostgresConnection) async throws {
        try await connection.query("""
            SELECT count(pg_advisory_xact_lock($1::integer, h))
              FROM (SELECT DISTINCT hashtext(id) AS h FROM unnest($2::text[]) AS id ORDER BY 1) AS keys
            """, [Int(lockNamespace), orderPriceIDs])
    }

    /// Offers, their tiers, and the links and rates of their plans restricted to
    /// the given methods and locations, plus every currency.
    static func loadCatalog(offerIDs: [String], locationIDs: [String], deliveryMethodIDs: [String], paymentMethodIDs: [String],
                            on connection: PostgresConnection) async throws -> PricingCatalog {
        let result = try await connection.query("""
            WITH offers AS (
                SELECT id, plan_id, currency, enabled FROM sell_offer WHERE id = ANY ($1::text[])
            ), plans AS (
                SELECT DISTINCT plan_id FROM offers
            )
            SELECT jsonb_build_object(
                'currencies', (SELECT COALESCE(jsonb_agg(jsonb_build_object('code', code, 'minorUnit', minor_unit)), '[]')
                                 FROM sell_offer_currency),
                'offers', (SELECT COALESCE(jsonb_agg(jsonb_build_object('id', id, 'planId', plan_id, 'currency', currency,
                                                                        'enabled', enabled)), '[]')
                             FROM offers),
                'tiers', (SELECT COALESCE(jsonb_agg(jsonb_build_object('sellOfferId', t.sell_offer_id, 'basis', t.basis,
                                                                       'upToQuantity', t.up_to_quantity,
                                                                       'unitPrice', t.unit_price::text)), '[]')
                            FROM sell_offer_price_tier t WHERE t.sell_offer_id IN (SELECT id FROM offers)),
                'deliveryLinks', (SELECT COALESCE(jsonb_agg(jsonb_build_object(
                                      'planId', dl.plan_id, 'methodId', dl.delivery_method_id, 'currency', dl.currency,
                                      'oneTimeAmount', dl.one_time_amount::text,
                                      'rates', (SELECT COALESCE(jsonb_agg(jsonb_build_object(
                                                    'locationId', r.deliver_to_location_id,
                                                    'perOrder', r.per_order::text, 'perUnit', r.per_unit::text)), '[]')
                                                  FROM sell_offer_delivery_rate r
                                                 WHERE r.delivery_link_id = dl.id AND r.deliver_to_location_id = ANY ($2::text[])))), '[]')
                                    FROM sell_offer_delivery_link dl
                                   WHERE dl.plan_id IN (SELECT plan_id FROM plans) AND dl.delivery_method_id = ANY ($3::text[])),
                'paymentLinks', (SELECT COALESCE(jsonb_agg(jsonb_build_object(
                                     'planId', pl.plan_id, 'methodId', pl.payment_method_id, 'currency', pl.currency,
                                     'oneTimeAmount', pl.one_time_amount::text,
                                     'oneTimePercentage', pl.one_time_percentage::text)), '[]')
                                   FROM sell_offer_payment_link pl
                                  WHERE pl.plan_id IN (SELECT plan_id FROM plans) AND pl.payment_method_id = ANY ($4::text[]))
            )::text AS catalog
            """, [offerIDs, locationIDs, deliveryMethodIDs, paymentMethodIDs])
        let text = try result.first?.decode(String.self, "catalog") ?? "{}"
        return try CatalogRows.decode(Data(text.utf8))
    }

    /// Upserts the row and its offer links; returns (calculated_at, expires_at).
    /// Refreshes every aggregate that covers the row, in the same transaction.
    @discardableResult
    static func save(_ calculation: OrderPriceCalculation, ttlSeconds: Int,
                     on connection: PostgresConnection) async throws -> (calculatedAt: Date, expiresAt: Date) {
        let request = calculation.request
        let money: (Decimal?) -> String? = { amount in
            guard let amount, let currency = calculation.currency else { return nil }
            return currency.format(amount)
        }
        var prices: String?
        if calculation.status == .complete, let currency = calculation.currency {
            prices = "{" + calculation.lines.map { line in
                CanonicalJSON.string(line.sellOfferID) + ":{\"lineTotal\":" + CanonicalJSON.string(currency.format(line.lineTotal))
                    + ",\"quantity\":" + String(line.quantity)
                    + ",\"unitPrice\":" + CanonicalJSON.string(currency.format(line.unitPrice)) + "}"
            }.joined(separator: ",") + "}"
        }
        let quantities = "{" + request.sortedSellOfferIDs.map {
            CanonicalJSON.string($0) + ":" + String(request.sellOfferQuantities[$0]!)
        }.joined(separator: ",") + "}"
        let parameters: [any PostgresBindable] = [
            calculation.orderPriceID, PostgresJSON(text: quantities), request.deliverToLocationID, request.deliveryMethodID,
            request.paymentMethodID, calculation.orderQuantity, money(calculation.subtotal), prices.map(PostgresJSON.init(text:)),
            money(calculation.deliveryPrice), money(calculation.paymentPrice), money(calculation.total), calculation.currency?.code,
            calculation.status.rawValue, calculation.errors, ttlSeconds, request.sortedSellOfferIDs,
        ]
        let result = try await connection.query("""
            WITH saved AS (
                INSERT INTO order_price (order_price_id, sell_offer_quantities, deliver_to_location_id, delivery_method_id,
                                         payment_method_id, order_quantity, order_subtotal, sell_offer_prices, delivery_price,
                                         payment_price, total, currency, status, errors_found, calculated_at, expires_at)
                VALUES ($1, $2::jsonb, $3, $4, $5, $6::integer, $7::numeric, $8::jsonb, $9::numeric, $10::numeric, $11::numeric,
                        $12, $13, $14::text[], now(), now() + $15::integer * interval '1 second')
                ON CONFLICT (order_price_id) DO UPDATE SET
                    order_subtotal = EXCLUDED.order_subtotal, sell_offer_prices = EXCLUDED.sell_offer_prices,
                    delivery_price = EXCLUDED.delivery_price, payment_price = EXCLUDED.payment_price, total = EXCLUDED.total,
                    currency = EXCLUDED.currency, status = EXCLUDED.status, errors_found = EXCLUDED.errors_found,
                    calculated_at = EXCLUDED.calculated_at, expires_at = EXCLUDED.expires_at
                RETURNING calculated_at, expires_at
            ), links AS (
                INSERT INTO order_price_sell_offer (sell_offer_id, order_price_id)
                SELECT id, $1 FROM unnest($16::text[]) AS id
                ON CONFLICT DO NOTHING
            )
            SELECT calculated_at, expires_at FROM saved
            """, parameters)
        guard let row = result.first else { throw PostgresError.client(message: "order_price upsert returned no row") }
        // Lock the covering aggregates first, in a statement of its own: the
        // refresh then runs on a snapshot taken after any concurrent
        // recalculation of a sibling combination has committed, so the last
        // writer never stores figures computed from a stale sibling.
        let aggregates = try await connection.query("""
            SELECT aggregate_id FROM sell_offer_price_aggregate
             WHERE order_price_ids @> ARRAY[$1::text] ORDER BY aggregate_id FOR UPDATE
            """, [calculation.orderPriceID]).rows.map { try $0.decode(String.self, "aggregate_id") }
        if !aggregates.isEmpty {
            try await connection.query("SELECT sell_offer_refresh_aggregates($1::text[])", [aggregates])
        }
        return (try row.decode(Date.self, "calculated_at"), try row.decode(Date.self, "expires_at"))
    }

    static func existingOfferIDs(_ ids: [String], on connection: PostgresConnection) async throws -> Set<String> {
        let result = try await connection.query("SELECT id FROM sell_offer WHERE id = ANY ($1::text[])", [ids])
        return Set(try result.rows.map { try $0.decode(String.self, "id") })
    }
}

/// The JSON shape `loadCatalog` selects. Amounts arrive as numeric *text*
/// and are parsed exactly; a JSON number would go through `Double`.
private struct CatalogRows: Decodable {
    struct CurrencyRow: Decodable { let code: String; let minorUnit: Int }
    struct OfferRow: Decodable { let id: String; let planId: String; let currency: String; let enabled: Bool }
    struct TierRow: Decodable { let sellOfferId: String; let basis: String; let upToQuantity: Int?; let unitPrice: String }
    struct RateRow: Decodable { let locationId: String; let perOrder: String; let perUnit: String }
    struct DeliveryRow: Decodable { let planId: String; let methodId: String; let currency: String; let oneTimeAmount: String; let rates: [RateRow] }
    struct PaymentRow: Decodable { let planId: String; let methodId: String; let currency: String; let oneTimeAmount: String; let oneTimePercentage: String }

    let currencies: [CurrencyRow]
    let offers: [OfferRow]
    let tiers: [TierRow]
    let deliveryLinks: [DeliveryRow]
    let paymentLinks: [PaymentRow]

    static func decode(_ data: Data) throws -> PricingCatalog {
        let rows = try JSONDecoder().decode(CatalogRows.self, from: data)
        func amount(_ text: String, _ what: String) throws -> Decimal {
            guard let value = Money.parse(text) else { throw PostgresError.client(message: "\(what): '\(text)' is not a decimal") }
            return value
        }
        var catalog = PricingCatalog()
        for row in rows.currencies { catalog.add(Currency(code: row.code, minorUnit: row.minorUnit)) }
        for row in rows.offers { catalog.add(SellOfferRecord(id: row.id, planID: row.planId, currency: row.currency, enabled: row.enabled)) }
        for row in rows.tiers {
            guard let basis = TierBasis(rawValue: row.basis) else { continue }  // the CHECK constraint rules this out
            catalog.add(PriceTier(sellOfferID: row.sellOfferId, basis: basis, upToQuantity: row.upToQuantity,
                                  unitPrice: try amount(row.unitPrice, "tier unit_price")))
        }
        for row in rows.deliveryLinks {
            var rates: [String: DeliveryRate] = [:]
            for rate in row.rates {
                rates[rate.locationId] = DeliveryRate(perOrder: try amount(rate.perOrder, "per_order"), perUnit: try amount(rate.perUnit, "per_unit"))
            }
            catalog.add(DeliveryLink(planID: row.planId, deliveryMethodID: row.methodId, currency: row.currency,
                                     oneTimeAmount: try amount(row.oneTimeAmount, "one_time_amount"), rates: rates))
        }
        for row in rows.paymentLinks {
            catalog.add(PaymentLink(planID: row.planId, paymentMethodID: row.methodId, currency: row.currency,
                                    oneTimeAmount: try amount(row.oneTimeAmount, "one_time_amount"),
                                    oneTimePercentage: try amount(row.oneTimePercentage, "one_time_percentage")))
        }
        return catalog
    }
}
