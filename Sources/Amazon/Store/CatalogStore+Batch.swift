import ExactJSON
import Foundation
import Postgres

extension CatalogStore {
    /// The New rows not yet in a feed, oldest first, with their listings as
    /// they are now. Offer rows (price, inventory, image, …) of a record
    /// whose create is not accepted yet are held back (rule 7), and so is a
    /// child's relationship until its parent's create is accepted.
    public func nextBatch(limit: Int) async throws -> [FeedEntry] {
        let rows = try await database.query(
            """
            SELECT s.id, s.model_name, s.sync_type, s.sync_values::text AS sync_values,
                   CASE WHEN s.model_name = 'product_product' THEN p.default_code ELSE t.default_code END AS sku,
                   CASE WHEN s.model_name = 'product_product' THEN p.name ELSE t.name END AS title,
                   t.amazon_product_type, t.description, t.brand, to_jsonb(t.bullet_points)::text AS bullet_points,
                   CASE WHEN s.model_name = 'product_product' THEN coalesce(p.price_override, t.list_price) END AS price,
                   t.currency,
                   CASE WHEN s.model_name = 'product_product'
                        THEN (SELECT greatest(coalesce(sum(q.quantity), 0), 0) FROM stock_quant q WHERE q.product_id = p.id) ELSE 0 END AS quantity,
                   CASE WHEN s.model_name = 'product_product' AND p.amazon_image_version IS NOT NULL THEN p.amazon_image_version
                        ELSE t.amazon_image_version END AS image_version,
                   CASE WHEN s.model_name = 'product_product' AND (p.amazon_image_version IS NOT NULL OR t.id IS NULL) THEN p.amazon_image_count
                        ELSE t.amazon_image_count END AS image_count,
                   CASE WHEN s.model_name = 'product_product' THEN p.variation_values::text ELSE '{}' END AS variation_values,
                   t.amazon_variation_theme,
                   (SELECT count(*) FROM product v WHERE v.template_id = t.id) AS family_size,
                   t.default_code AS template_sku,
                   CASE WHEN s.model_name = 'product_product' THEN coalesce(p.amazon_shipping_group, t.amazon_shipping_group)
                        ELSE t.amazon_shipping_group END AS shipping_group
              FROM amazon_product_sync s
              LEFT JOIN product p ON s.model_name = 'product_product' AND p.id = s.record_id
              LEFT JOIN product_template t
                     ON t.id = CASE WHEN s.model_name = 'product_template' THEN s.record_id ELSE p.template_id END
             WHERE s.sync_status = 'New' AND s.feed_id IS NULL
               AND (s.sync_type IN ('create', 'delete') OR NOT EXISTS (
                     SELECT 1 FROM amazon_product_sync c
                      WHERE c.sync_type = 'create' AND c.sync_status <> 'Success'
                        AND ((c.model_name = s.model_name AND c.record_id = s.record_id)
                             OR (s.sync_type = 'relationship' AND s.model_name = 'product_product'
                                 AND c.model_name = 'product_template' AND c.record_id = s.template_id))))
             ORDER BY s.id LIMIT $1
            """, [limit])
        return try rows.rows.map(Self.entry)
    }

    static func entry(_ row: PostgresRow) throws -> FeedEntry {
        let id = try row.decode(Int64.self, "id")
        guard let type = SyncType(rawValue: try row.decode(String.self, "sync_type")),
            let model = ModelName(rawValue: try row.decode(String.self, "model_name"))
        else {
            throw PostgresError.decoding(column: "sync_type", type: "SyncType", value: row["sync_type"])
        }
        let values = try JSONValue.object(parsing: try row.decode(String.self, "sync_values"))
        guard let sku = row["sku"], let title = row["title"] else {
            return FeedEntry(syncID: id, type: type, values: values, listing: nil)
        }
        let isParent = model == .productTemplate
        let familySize = try row.decode(Int.self, "family_size")
        let bullets = try row["bullet_points"].map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        let variation = try JSONValue.object(parsing: try row.decode(String.self, "variation_values")).compactMapValues { value in
            value.stringValue ?? (value == .null ? nil : value.description)
        }
        let listing = ListingSnapshot(
            sku: sku, productType: row["amazon_product_type"], title: title, description: row["description"], brand: row["brand"],
            bulletPoints: bullets, price: try row.decode(Decimal?.self, "price"), currency: row["currency"],
            quantity: try row.decode(Decimal.self, "quantity"), imageVersion: row["image_version"],
            imageCount: try row.decode(Int?.self, "image_count") ?? 1, variationValues: variation,
            variationTheme: row["amazon_variation_theme"], parentSKU: !isParent && familySize > 1 ? row["template_sku"] : nil,
            isParent: isParent, shippingGroup: row["shipping_group"])
        return FeedEntry(syncID: id, type: type, values: values, listing: listing)
    }
}
