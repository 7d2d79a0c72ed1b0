import Foundation

/// One item of `GET /Product/GetProducts`, read leniently: Zortout's numbers
/// sometimes arrive as strings, and `sku` may be missing or empty.
public struct ZortoutProduct: Decodable, Sendable, Equatable {
    public var id: Int64?
    /// `nil` when missing or blank: such items cannot be matched.
    public var sku: String?
    public var name: String?
    public var stock: Decimal?
    public var availableStock: Decimal?
    /// 0 goods, 1 service.
    public var productType: Int

    public init(id: Int64?, sku: String?, name: String?, stock: Decimal?, availableStock: Decimal?, productType: Int) {
        self.id = id
        self.sku = sku
        self.name = name
        self.stock = stock
        self.availableStock = availableStock
        self.productType = productType
    }

    enum CodingKeys: String, CodingKey {
        case id, sku, name, stock, availableStock = "availablestock", productType = "producttype"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.lenientInt64(.id)
        let sku = try container.lenientString(.sku)
        self.sku = (sku?.isEmpty ?? true) ? nil : sku
        name = try container.lenientString(.name)
        stock = try container.lenientDecimal(.stock)
        availableStock = try container.lenientDecimal(.availableStock)
        productType = Int(try container.lenientInt64(.productType) ?? 0)
    }

    public var isService: Bool { productType == 1 }

    public func quantity(_ field: ZortoutSettings.StockField) -> Decimal? {
        switch field {
        case .availableStock: return availableStock
        case .stock: return stock
        }
    }
}

public struct ZortoutWarehouse: Decodable, Sendable, Equatable, Encodable {
    public var id: Int64?
    public var code: String
    public var name: String?

    enum CodingKeys: String, CodingKey { case id, code, name }

    public init(id: Int64?, code: String, name: String?) {
        self.id = id
        self.code = code
        self.name = name
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.lenientInt64(.id)
        code = try container.lenientString(.code) ?? ""
        name = try container.lenientString(.name)
    }
}

/// One page of a list endpoint.
public struct ZortoutPage<Item: Sendable>: Sendable {
    public var items: [Item]
    /// The total over all pages, when Zortout sends it.
    public var count: Int?
}

extension KeyedDecodingContainer {
    func lenientString(_ key: Key) throws -> String? {
        if try !contains(key) || decodeNil(forKey: key) { return nil }
        if let text = try? decode(String.self, forKey: key) { return text.trimmingCharacters(in: .whitespaces) }
        if let number = try? decode(Int64.self, forKey: key) { return String(number) }
        return try decode(String.self, forKey: key)
    }

    func lenientInt64(_ key: Key) throws -> Int64? {
        if try !contains(key) || decodeNil(forKey: key) { return nil }
        if let number = try? decode(Int64.self, forKey: key) { return number }
        if let text = try? decode(String.self, forKey: key), let number = Int64(text.trimmingCharacters(in: .whitespaces)) {
            return number
        }
        return try decode(Int64.self, forKey: key)
    }

    /// Stock as an exact decimal, from a JSON number or a numeric string.
    func lenientDecimal(_ key: Key) throws -> Decimal? {
        if try !contains(key) || decodeNil(forKey: key) { return nil }
        if let number = try? decode(Decimal.self, forKey: key) { return number }
        if let text = try? decode(String.self, forKey: key),
            let number = Decimal(string: text.trimmingCharacters(in: .whitespaces), locale: Locale(identifier: "en_US_POSIX"))
        {
            return number
        }
        return try decode(Decimal.self, forKey: key)
    }
}
