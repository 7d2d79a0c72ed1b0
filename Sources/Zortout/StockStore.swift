import Foundation
import JobQueue
import Postgres

/// The stock pull's SQL. One statement per page of Zortout items, so a page
/// costs one round trip whatever its size.
struct StockStore: Sendable {
    let database: PostgresPool

    struct Location: Sendable, Equatable {
        var id: Int64
        var name: String
        var warehouseCode: String?
    }

    /// What one page did to the database.
    struct PageOutcome: Sendable {
        var updated = 0
        var unchanged = 0
        var skippedService = 0
        var skippedNotStorable = 0
        var skippedInactive = 0
        var unknownSKUs: [String] = []
    }

    /// The account's `stock_location_id`, else the location mapped to the warehouse code in force.
    func targetLocation(stockLocationID: Int64?, warehouseCode: String?) async throws -> Location {
        if let stockLocationID {
            let rows = try await database.query(
                "SELECT id, name, warehouse_code FROM stock_location WHERE id = $1", [stockLocationID])
            guard let row = rows.first else {
                throw JobError.permanent(
                    "settings.stock_location_id \(stockLocationID) is not a stock_location; \(try await existingLocations())")
            }
            return try Self.location(row)
        }
        guard let warehouseCode else {
            throw JobError.permanent(
                "no target location: set the account's settings.stock_location_id, or a warehouse_code (payload or settings) that a stock_location's warehouse_code matches; \(try await existingLocations())"
            )
        }
        let rows = try await database.query(
            "SELECT id, name, warehouse_code FROM stock_location WHERE warehouse_code = $1 ORDER BY id LIMIT 1", [warehouseCode])
        guard let row = rows.first else {
            throw JobError.permanent(
                "no stock_location has warehouse_code '\(warehouseCode)': set it on the location to fill, or set the account's settings.stock_location_id; \(try await existingLocations())"
            )
        }
        return try Self.location(row)
    }

    /// "locations: 1 WH/Stock (W0001), 2 Shop (no warehouse_code)" for error messages.
    func existingLocations() async throws -> String {
        let rows = try await database.query(
            "SELECT id, name, warehouse_code FROM stock_location ORDER BY id LIMIT 21")
        if rows.rows.isEmpty { return "there are no stock_location rows" }
        let listed = try rows.rows.prefix(20).map(Self.location).map { location in
            "\(location.id) \(location.name) (\(location.warehouseCode.map { "warehouse_code \($0)" } ?? "no warehouse_code"))"
        }
        return "locations: " + listed.joined(separator: ", ") + (rows.rows.count > 20 ? ", …" : "")
    }

    /// Every location mapped to a warehouse code.
    func locations(forWarehouse code: String) async throws -> [Location] {
        try await database.query(
            "SELECT id, name, warehouse_code FROM stock_location WHERE warehouse_code = $1 ORDER BY id", [code]
        ).rows.map(Self.location)
    }

    func location(id: Int64) async throws -> Location? {
        try await database.query("SELECT id, name, warehouse_code FROM stock_location WHERE id = $1", [id]).first.map(
            Self.location)
    }

    /// Sets absolute quantities for one page in one transaction: matches SKUs,
    /// writes only changed quants, audits each change, and counts the rest.
    /// The advisory lock serialises pulls into the same location, so the old
    /// quantity in an audit row is the one actually replaced.
    func apply(skus: [String], quantities: [Decimal], locationID: Int64, jobID: Int64) async throws -> PageOutcome {
        precondition(skus.count == quantities.count)
        if skus.isEmpty { return PageOutcome() }
        let results = try await database.withConnection { connection in
            try await connection.pipeline([
                (sql: "SELECT pg_advisory_xact_lock(hashtextextended('stock_quant:' || $1::text, 0))", parameters: [locationID]),
                (sql: Self.applySQL, parameters: [skus, quantities, locationID, jobID]),
            ])
        }
        guard let row = results.last?.first else { throw JobError.retryable("stock update returned no row") }
        var outcome = PageOutcome()
        outcome.updated = try row.decode(Int.self, "updated")
        outcome.unchanged = try row.decode(Int.self, "unchanged")
        outcome.skippedService = try row.decode(Int.self, "skipped_service")
        outcome.skippedNotStorable = try row.decode(Int.self, "skipped_not_storable")
        outcome.skippedInactive = try row.decode(Int.self, "skipped_inactive")
        outcome.unknownSKUs = try JSONDecoder().decode([String].self, from: Data(try row.decode(String.self, "unknown").utf8))
        return outcome
    }

    /// $1 SKUs, $2 quantities, $3 location, $4 job id. Only storable, active
    /// goods are written; a quant already at the value is left alone, so a
    /// re-run writes nothing and audits nothing.
    static let applySQL = """
        WITH incoming AS (
            SELECT DISTINCT ON (sku) sku, quantity
              FROM unnest($1::text[], $2::numeric[]) AS t(sku, quantity)
        ), candidates AS (
            SELECT i.sku, i.quantity, p.id AS product_id, p.type, p.is_storable, p.active
              FROM incoming i JOIN product p ON p.default_code = i.sku
        ), eligible AS (
            SELECT c.product_id, c.quantity, q.quantity AS old_quantity
              FROM candidates c
              LEFT JOIN stock_quant q ON q.product_id = c.product_id AND q.location_id = $3::bigint
             WHERE c.active AND c.type = 'consu' AND c.is_storable
        ), changed AS (
            SELECT product_id, quantity, old_quantity FROM eligible WHERE old_quantity IS DISTINCT FROM quantity
        ), written AS (
            INSERT INTO stock_quant (product_id, location_id, quantity, updated_at)
            SELECT product_id, $3::bigint, quantity, now() FROM changed
            ON CONFLICT (product_id, location_id)
            DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = EXCLUDED.updated_at
            RETURNING 1
        ), audited AS (
            INSERT INTO stock_quant_audit (product_id, location_id, old_quantity, new_quantity, job_id)
            SELECT product_id, $3::bigint, old_quantity, quantity, $4::bigint FROM changed
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM written) AS updated,
               (SELECT count(*) FROM audited) AS audited,
               (SELECT count(*) FROM eligible WHERE old_quantity IS NOT DISTINCT FROM quantity) AS unchanged,
               (SELECT count(*) FROM candidates WHERE active AND type = 'service') AS skipped_service,
               (SELECT count(*) FROM candidates
                 WHERE active AND type <> 'service' AND NOT (type = 'consu' AND is_storable)) AS skipped_not_storable,
               (SELECT count(*) FROM candidates WHERE NOT active) AS skipped_inactive,
               (SELECT coalesce(json_agg(i.sku ORDER BY i.sku), '[]')::text FROM incoming i
                 WHERE NOT EXISTS (SELECT 1 FROM product p WHERE p.default_code = i.sku)) AS unknown
        """

    static func location(_ row: PostgresRow) throws -> Location {
        Location(
            id: try row.decode(Int64.self, "id"), name: try row.decode(String.self, "name"),
            warehouseCode: row["warehouse_code"])
    }
}
