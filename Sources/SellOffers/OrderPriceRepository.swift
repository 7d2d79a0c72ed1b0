import Foundation
import Postgres

/// The SQL side of order pricing, a fixed handful of statements per batch of
/// requests whatever its size: name and lock the rows, read the catalog, upsert
/// every row, refresh the aggregates that cover them. Everything runs on a
/// connection the caller holds in a transaction, so a batch reads and writes
/// one consistent state.
struct OrderPriceRepository {
    /// Advisory-lock namespace for order prices (the two-key form, so it never
    /// collides with single-key locks such as the migrator's).
    static let lockNamespace: Int32 = 0x534F_5052  // "SOPR"

    /// Names each canonical input JSON (its `order_price_id`, PostgreSQL's
    /// `sha256()` in lowercase hex) and takes the transaction-scoped advisory
    /// lock of every id, in one statement. The locks serialise recalculations
    /// of the same order price across workers, so the later job always reads
    /// and writes the later state. They are taken in `hashtext` order (the
    /// sorted subquery feeds the aggregate in order), and every caller locks
    /// all of its ids in that one order before anything else, so no two
    /// batches can wait on each other in a cycle. Returns the ids in input order.
    static func identifyAndLock(canonicalJSON: [String], on connection: PostgresConnection) async throws -> [String] {
        let result = try await connection.query(
            """
            WITH input AS (
                SELECT ord, encode(sha256(convert_to(canonical, 'UTF8')), 'hex') AS id
                  FROM unnest($2::text[]) WITH ORDINALITY AS t(canonical, ord)
            ), locked AS (
                SELECT count(pg_advisory_xact_lock($1::integer, h)) AS n
                  FROM (SELECT DISTINCT hashtext(id) AS h FROM input ORDER BY 1) AS keys
            )
            SELECT input.id FROM input CROSS JOIN locked ORDER BY input.ord
            """, [Int(lockNamespace), TextArrayLiteral(canonicalJSON)])
        let ids = try result.rows.map { try $0.decode(String.self, "id") }
        guard ids.count == canonicalJSON.count else {
            throw PostgresError.client(message: "order price ids: \(ids.count) returned for \(canonicalJSON.count) requests")
        }
        return ids
    }

    /// Lowercase hex SHA-256 of each text's UTF-8 bytes, computed by PostgreSQL:
    /// the one definition of `order_price_id` and `aggregate_id`.
    static func hexDigests(_ texts: [String], on connection: PostgresConnection) async throws -> [String] {
        let result = try await connection.query(
            """
            SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex') AS digest
              FROM unnest($1::text[]) WITH ORDINALITY AS input(t, ord) ORDER BY ord
            """, [texts])
        return try result.rows.map { try $0.decode(String.self, "digest") }
    }

    /// Offers, their tiers, and the links and rates of their plans restricted to
    /// the given methods and locations, plus every currency: one statement,
    /// one snapshot, for a whole batch. Plain rows of text, one `kind` per
    /// entity, so reading them costs no JSON parsing (see `CatalogRows`).
    static func loadCatalog(
        offerIDs: [String], locationIDs: [String], deliveryMethodIDs: [String], paymentMethodIDs: [String],
        on connection: PostgresConnection
    ) async throws -> PricingCatalog {
        let result = try await connection.query(
            """
            WITH offers AS (
                SELECT id, plan_id, currency, enabled FROM sell_offer WHERE id = ANY ($1::text[])
            ), plans AS (
                SELECT DISTINCT plan_id FROM offers
            ), links AS (
                SELECT dl.id, dl.plan_id, dl.delivery_method_id, dl.currency, dl.one_time_amount
                  FROM sell_offer_delivery_link dl
                 WHERE dl.plan_id IN (SELECT plan_id FROM plans) AND dl.delivery_method_id = ANY ($3::text[])
            )
            SELECT 'c' AS kind, code AS a, minor_unit::text AS b, NULL::text AS c, NULL::text AS d, NULL::text AS e
              FROM sell_offer_currency
            UNION ALL
            SELECT 'o', id, plan_id, currency, enabled::text, NULL FROM offers
            UNION ALL
            SELECT 't', t.sell_offer_id, t.basis, t.up_to_quantity::text, t.unit_price::text, NULL
              FROM sell_offer_price_tier t WHERE t.sell_offer_id IN (SELECT id FROM offers)
            UNION ALL
            SELECT 'd', plan_id, delivery_method_id, currency, one_time_amount::text, id::text FROM links
            UNION ALL
            SELECT 'r', r.delivery_link_id::text, r.deliver_to_location_id, r.per_order::text, r.per_unit::text, NULL
              FROM sell_offer_delivery_rate r
             WHERE r.delivery_link_id IN (SELECT id FROM links) AND r.deliver_to_location_id = ANY ($2::text[])
            UNION ALL
            SELECT 'p', pl.plan_id, pl.payment_method_id, pl.currency, pl.one_time_amount::text, pl.one_time_percentage::text
              FROM sell_offer_payment_link pl
             WHERE pl.plan_id IN (SELECT plan_id FROM plans) AND pl.payment_method_id = ANY ($4::text[])
            """, [offerIDs, locationIDs, deliveryMethodIDs, paymentMethodIDs])
        return try CatalogRows.decode(result)
    }

    /// Refreshes every aggregate that covers one of `orderPriceIDs`, in the
    /// caller's transaction. The covering aggregates are locked first, in
    /// `aggregate_id` order and in a statement of their own: the refresh then
    /// runs on a snapshot taken after any concurrent recalculation of a
    /// sibling combination has committed, so the last writer never stores
    /// figures computed from a stale sibling.
    static func refreshAggregates(covering orderPriceIDs: [String], on connection: PostgresConnection) async throws {
        let aggregates = try await connection.query(
            """
            SELECT aggregate_id FROM sell_offer_price_aggregate
             WHERE order_price_ids && $1::text[] ORDER BY aggregate_id FOR UPDATE
            """, [orderPriceIDs]
        ).rows.map { try $0.decode(String.self, "aggregate_id") }
        if !aggregates.isEmpty {
            try await connection.query("SELECT sell_offer_refresh_aggregates($1::text[])", [aggregates])
        }
    }

    static func existingOfferIDs(_ ids: [String], on connection: PostgresConnection) async throws -> Set<String> {
        let result = try await connection.query("SELECT id FROM sell_offer WHERE id = ANY ($1::text[])", [ids])
        return Set(try result.rows.map { try $0.decode(String.self, "id") })
    }
}
