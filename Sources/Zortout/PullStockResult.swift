import Foundation

/// What a `zortout.pull_stock` run did, stored in the job's `result`.
public struct PullStockResult: Codable, Sendable, Equatable {
    /// The warehouse pulled; absent = all warehouses summed.
    public var warehouseCode: String?
    public var locationID: Int64
    public var locationName: String
    /// `availablestock` or `stock`.
    public var stockField: String
    /// `catalogue` (paged everything) or `search` (one `searchsku` query per SKU).
    public var mode: String
    public var requests: Int
    public var pages: Int
    /// Zortout items in scope (after the `sku_list` filter).
    public var fetched: Int
    public var updated: Int
    public var unchanged: Int
    public var skippedService: Int
    public var skippedNotStorable: Int
    public var skippedInactive: Int
    /// Zortout items without a SKU.
    public var skippedNoSKU: Int
    public var unknownSKUCount: Int
    /// The first 100 SKUs Zortout has and no local product carries.
    public var unknownSKU: [String]
    /// `sku_list` entries Zortout does not have.
    public var missingInZortout: [String]
    public var durationMS: Int
    /// Time spent waiting on PostgreSQL.
    public var dbMS: Int

    public static let unknownSKULimit = 100

    enum CodingKeys: String, CodingKey {
        case warehouseCode = "warehouse_code", locationID = "location_id", locationName = "location_name"
        case stockField = "stock_field", mode, requests, pages, fetched, updated, unchanged
        case skippedService = "skipped_service", skippedNotStorable = "skipped_not_storable"
        case skippedInactive = "skipped_inactive", skippedNoSKU = "skipped_no_sku"
        case unknownSKUCount = "unknown_sku_count", unknownSKU = "unknown_sku"
        case missingInZortout = "missing_in_zortout", durationMS = "duration_ms", dbMS = "db_ms"
    }

    /// Several lines for `jobctl show`.
    public var summary: String {
        var lines = [
            "warehouse:  \(warehouseCode ?? "all warehouses") → location \(locationID) \(locationName) (\(stockField))",
            "fetched:    \(fetched) items in \(pages) page(s), \(requests) request(s), mode \(mode)",
            "updated:    \(updated)   unchanged: \(unchanged)",
            "skipped:    service \(skippedService), not storable \(skippedNotStorable), inactive \(skippedInactive), no SKU \(skippedNoSKU)",
        ]
        if unknownSKUCount > 0 {
            let more = unknownSKUCount > unknownSKU.count ? " … (\(unknownSKUCount - unknownSKU.count) more)" : ""
            lines.append(
                "unknown:    \(unknownSKUCount) SKU(s) not in product.default_code: \(unknownSKU.prefix(10).joined(separator: ", "))\(unknownSKU.count > 10 ? ", …" : "")\(more)"
            )
        }
        if !missingInZortout.isEmpty {
            lines.append(
                "missing:    \(missingInZortout.count) sku_list entr\(missingInZortout.count == 1 ? "y" : "ies") not in Zortout: \(missingInZortout.prefix(20).joined(separator: ", "))"
            )
        }
        lines.append("time:       \(durationMS) ms (database \(dbMS) ms)")
        return lines.joined(separator: "\n")
    }
}
