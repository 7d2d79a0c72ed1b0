import Amazon
import Foundation
import Postgres
import TestSupport

/// A fresh migrated database and the catalog store on it, with helpers that
/// write products the way the ERP does: by SQL, through the triggers.
struct CatalogFixture {
    let db: TestDatabase
    let pool: PostgresPool
    let store: CatalogStore

    static func start(_ label: String, batchSize: Int = 50_000) async throws -> CatalogFixture {
        let db = try await TestDatabase.create(label: label)
        let pool = db.pool(size: 4)
        try await pool.execute(
            "INSERT INTO stock_location (id, name, warehouse_code) OVERRIDING SYSTEM VALUE VALUES (1, 'WH/Online', 'ODS001')")
        return CatalogFixture(db: db, pool: pool, store: CatalogStore(database: pool, batchSize: batchSize))
    }

    func stop() async {
        await pool.close()
        await db.drop()
    }

    /// `count` listed single products SKU-1…, each priced 10.<n> USD through a one-variant template.
    @discardableResult
    func insertProducts(_ count: Int, prefix: String = "SKU", quantity: Int = 5) async throws -> [Int64] {
        try await pool.execute(
            """
            INSERT INTO product_template (name, brand, list_price, currency, amazon_product_type, amazon_image_version)
            SELECT $1 || '-' || g, 'Acme', 10 + g / 100.0, 'USD', 'SHIRT', 'v1' FROM generate_series(1, $2::int) g
            """, [prefix, count])
        let ids = try await pool.query(
            """
            INSERT INTO product (default_code, name, template_id, amazon_sync_active)
            SELECT t.name, 'Product ' || t.name, t.id, true FROM product_template t WHERE t.name LIKE $1 || '-%'
            RETURNING id
            """, [prefix]
        ).rows.map { try $0.decode(Int64.self, "id") }
        try await pool.execute(
            """
            INSERT INTO stock_quant (product_id, location_id, quantity) SELECT id, 1, $2 FROM unnest($1::bigint[]) AS t(id)
            """, [ids, quantity])
        return ids
    }

    /// A listed parent template with three listed variants (Red, Blue, Green).
    func insertFamily(sku: String = "SHIRT") async throws -> (template: Int64, variants: [Int64]) {
        let template = try await pool.query(
            """
            INSERT INTO product_template (name, brand, list_price, currency, default_code, amazon_product_type,
                                          amazon_variation_theme, amazon_sync_active, amazon_image_version)
            VALUES ('Shirt', 'Acme', 19.99, 'USD', $1, 'SHIRT', 'COLOR', true, 'p1') RETURNING id
            """, [sku]
        ).first!.decode(Int64.self, "id")
        let variants = try await pool.query(
            """
            INSERT INTO product (default_code, name, template_id, amazon_sync_active, variation_values)
            SELECT $1 || '-' || c, 'Shirt ' || c, $2, true, jsonb_build_object('color', c)
              FROM unnest(ARRAY['Red', 'Blue', 'Green']) AS c RETURNING id
            """, [sku, template]
        ).rows.map { try $0.decode(Int64.self, "id") }
        return (template, variants)
    }

    func count(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> Int {
        try await pool.query(sql, parameters).first!.decode(Int.self, "n")
    }

    func rows(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> [PostgresRow] {
        try await pool.query(sql, parameters).rows
    }

    /// A processing report for a submitted document: every message accepted
    /// but those whose SKU is in `rejecting`, which get an ERROR.
    static func report(for document: ListingsFeedDocument, feedID: String, rejecting: Set<String> = []) -> Data {
        let issues: [[String: Any]] = document.messages.filter { rejecting.contains($0.sku) }.map {
            [
                "messageId": $0.messageID, "sku": $0.sku, "code": "90220", "severity": "ERROR",
                "message": "'[batteries_required]' is required but not supplied.",
            ]
        }
        let failed = Set(issues.compactMap { $0["messageId"] as? Int }).count
        let report: [String: Any] = [
            "header": ["sellerId": "A2SELLER", "version": "2.0", "feedId": feedID],
            "issues": issues,
            "summary": [
                "errors": issues.count, "warnings": 0, "messagesProcessed": document.messages.count,
                "messagesAccepted": document.messages.count - failed, "messagesInvalid": failed,
            ],
        ]
        return try! JSONSerialization.data(withJSONObject: report)
    }
}
