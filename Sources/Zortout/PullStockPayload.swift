import Foundation

/// `zortout.pull_stock`'s payload: `{"warehouse_code": "ODS001", "sku_list": ["A1", "B2"]}`.
/// Both keys are optional; an unknown key is an error naming it, so a typo
/// such as `warehouse` does not silently pull every warehouse.
public struct PullStockPayload: Decodable, Sendable, Encodable {
    public var warehouseCode: String?
    /// `nil` or empty: every product.
    public var skuList: [String]?

    public init(warehouseCode: String? = nil, skuList: [String]? = nil) {
        self.warehouseCode = warehouseCode
        self.skuList = skuList
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case warehouseCode = "warehouse_code", skuList = "sku_list"
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription: "unknown key '\(unknown)' (known keys: warehouse_code, sku_list)"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let code = try container.decodeIfPresent(String.self, forKey: .warehouseCode)?.trimmingCharacters(in: .whitespaces)
        warehouseCode = (code?.isEmpty ?? true) ? nil : code
        if let list = try container.decodeIfPresent([String].self, forKey: .skuList) {
            for (index, sku) in list.enumerated() where sku.trimmingCharacters(in: .whitespaces).isEmpty {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: [CodingKeys.skuList, IndexKey(intValue: index)],
                        debugDescription: "a SKU must not be empty"))
            }
            skuList = list.isEmpty ? nil : list
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(warehouseCode, forKey: .warehouseCode)
        try container.encodeIfPresent(skuList, forKey: .skuList)
    }
}

/// An array position in a coding path, so errors read `sku_list[2]`.
private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { intValue.map(String.init) ?? "" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
