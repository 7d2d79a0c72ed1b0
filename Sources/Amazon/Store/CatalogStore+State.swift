import ExactJSON
import Foundation
import Postgres

extension CatalogStore {
    /// The most automatic retries of a row whose feed failed as a whole.
    static let maxUnchangedRetries = 3

    /// The current state of every record a batch touches, and of the
    /// variants of every template it touches.
    static func loadState(_ connection: PostgresConnection, operations: [ProductOperation]) async throws -> CatalogState {
        try await loadState(
            connection,
            variantIDs: Array(Set(operations.filter { $0.record.model == .productProduct }.map(\.record.id))),
            templateIDs: Array(
                Set(
                    operations.compactMap(\.templateID)
                        + operations.filter { $0.record.model == .productTemplate }.map(\.record.id))))
    }

    /// The state of these variants and templates (and of the templates' variants).
    static func loadState(_ connection: PostgresConnection, variantIDs: [Int64], templateIDs: [Int64]) async throws
        -> CatalogState
    {
        var state = CatalogState()
        if variantIDs.isEmpty && templateIDs.isEmpty { return state }
        let variants = try await connection.query(
            """
            SELECT id, template_id, default_code, amazon_sync_active, amazon_image_version FROM product
             WHERE id IN (SELECT unnest($1::bigint[]))
            UNION
            SELECT id, template_id, default_code, amazon_sync_active, amazon_image_version FROM product
             WHERE template_id IN (SELECT unnest($2::bigint[]))
            """, [variantIDs, templateIDs])
        for row in variants.rows {
            state.variants[try row.decode(Int64.self, "id")] = CatalogState.Variant(
                templateID: try row.decode(Int64?.self, "template_id"), sku: row["default_code"],
                syncActive: try row.decode(Bool.self, "amazon_sync_active"), imageVersion: row["amazon_image_version"])
        }
        if templateIDs.isEmpty { return state }
        let templates = try await connection.query(
            """
            SELECT t.id, t.default_code, t.amazon_sync_active, t.amazon_image_version,
                   coalesce(array_agg(p.id ORDER BY p.id) FILTER (WHERE p.id IS NOT NULL), '{}')::text AS variants
              FROM product_template t LEFT JOIN product p ON p.template_id = t.id
             WHERE t.id IN (SELECT unnest($1::bigint[])) GROUP BY t.id
            """, [templateIDs])
        for row in templates.rows {
            state.templates[try row.decode(Int64.self, "id")] = CatalogState.Template(
                sku: row["default_code"], syncActive: try row.decode(Bool.self, "amazon_sync_active"),
                variantIDs: parseBigintArray(try row.decode(String.self, "variants")), imageVersion: row["amazon_image_version"])
        }
        return state
    }

    /// New and Failure rows of the touched records (and of the variants of
    /// touched templates), plus, when asked, every Failure row a FATAL feed
    /// left for an unchanged retry.
    static func loadOpenRows(
        _ connection: PostgresConnection, operations: [ProductOperation],
        includeUnchangedRetries: Bool
    ) async throws -> [OpenSyncRow] {
        let keys = Array(Set(operations.map(\.record)))
        let templates = Array(Set(operations.filter { $0.record.model == .productTemplate }.map(\.record.id)))
        let rows = try await connection.query(
            """
            SELECT s.id, s.model_name, s.record_id, s.template_id, s.sync_type, s.sync_status, s.sync_values::text AS sync_values,
                   s.retry_unchanged
              FROM amazon_product_sync s JOIN unnest($1::text[], $2::bigint[]) AS k(model_name, record_id)
                   ON s.model_name = k.model_name AND s.record_id = k.record_id
             WHERE s.sync_status <> 'Success'
            UNION
            SELECT s.id, s.model_name, s.record_id, s.template_id, s.sync_type, s.sync_status, s.sync_values::text, s.retry_unchanged
              FROM amazon_product_sync s WHERE s.sync_status <> 'Success' AND s.template_id IN (SELECT unnest($3::bigint[]))
            UNION
            SELECT s.id, s.model_name, s.record_id, s.template_id, s.sync_type, s.sync_status, s.sync_values::text, s.retry_unchanged
              FROM amazon_product_sync s WHERE $4 AND s.sync_status = 'Failure' AND s.retry_unchanged AND s.attempts < $5
            """, [keys.map(\.model.rawValue), keys.map(\.id), templates, includeUnchangedRetries, maxUnchangedRetries])
        return try rows.rows.map { row in
            guard let model = ModelName(rawValue: try row.decode(String.self, "model_name")),
                let type = SyncType(rawValue: try row.decode(String.self, "sync_type")),
                let status = SyncStatus(rawValue: try row.decode(String.self, "sync_status"))
            else {
                throw PostgresError.decoding(
                    column: "model_name/sync_type/sync_status", type: "amazon_product_sync", value: row["id"])
            }
            return OpenSyncRow(
                id: try row.decode(Int64.self, "id"), record: RecordKey(model, try row.decode(Int64.self, "record_id")),
                templateID: try row.decode(Int64?.self, "template_id"), type: type, status: status,
                values: try JSONValue.object(parsing: try row.decode(String.self, "sync_values")),
                retryUnchanged: try row.decode(Bool.self, "retry_unchanged"))
        }
    }

    /// `{1,2,3}` → [1, 2, 3].
    static func parseBigintArray(_ text: String) -> [Int64] {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap { Int64($0) }
    }
}
