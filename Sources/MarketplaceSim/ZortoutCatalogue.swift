import Foundation

/// A deterministic Zortout catalogue: the same options always give the same
/// products and stock, so tests can compute what a pull must write.
public struct ZortoutCatalogue: Sendable {
    public struct Warehouse: Sendable, Codable, Equatable {
        public var id: Int
        public var code: String
        public var name: String
        public var address: String

        public init(id: Int, code: String, name: String, address: String = "") {
            self.id = id
            self.code = code
            self.name = name
            self.address = address
        }
    }

    public struct Product: Sendable, Equatable {
        public var id: Int
        /// `nil` = the `sku` key is missing; `""` = present but empty. Zortout does both.
        public var sku: String?
        public var name: String
        /// 0 goods, 1 service (no real stock, often a large negative number).
        public var productType: Int
        public var active: Bool
        /// Per warehouse code: on hand.
        public var stock: [String: Int]
        /// Per warehouse code: on hand minus reserved.
        public var availableStock: [String: Int]

        public init(
            id: Int, sku: String?, name: String, productType: Int = 0, active: Bool = true,
            stock: [String: Int], availableStock: [String: Int]
        ) {
            self.id = id
            self.sku = sku
            self.name = name
            self.productType = productType
            self.active = active
            self.stock = stock
            self.availableStock = availableStock
        }

        /// Stock in one warehouse, or summed over all when `warehouse` is nil.
        public func stock(in warehouse: String?) -> Int {
            guard let warehouse else { return stock.values.reduce(0, +) }
            return stock[warehouse] ?? 0
        }

        public func availableStock(in warehouse: String?) -> Int {
            guard let warehouse else { return availableStock.values.reduce(0, +) }
            return availableStock[warehouse] ?? 0
        }

        /// True for an item a pull can match: goods with a non-empty SKU.
        public var isMatchableGoods: Bool { productType == 0 && !(sku ?? "").isEmpty }
    }

    public var warehouses: [Warehouse]
    public var products: [Product]

    public init(warehouses: [Warehouse], products: [Product]) {
        self.warehouses = warehouses
        self.products = products
    }

    /// The two warehouses of the seeded catalogue.
    public static let standardWarehouses = [
        Warehouse(id: 11, code: "W0001", name: "Bangkok", address: "99 Rama IV Rd, Bangkok"),
        Warehouse(id: 12, code: "ODS001", name: "Online stock"),
    ]

    /// `size` products over `standardWarehouses`, SKUs `SKU-00001`, … Every
    /// 25th product is a service (producttype 1, stock -9999); every 30th is
    /// SKU-less (alternately a missing key and an empty string); the rest are
    /// goods with stock 0…200 per warehouse and up to 5 units reserved.
    public static func seeded(size: Int, seed: UInt64 = 42) -> ZortoutCatalogue {
        var random = SplitMix64(seed: seed)
        var products: [Product] = []
        products.reserveCapacity(size)
        for index in stride(from: 1, through: size, by: 1) {
            let id = 4_470_000 + index
            if index % 25 == 0 {
                products.append(
                    Product(
                        id: id, sku: String(format: "SRV-%05d", index), name: "Service \(index)",
                        productType: 1,
                        stock: ["W0001": -9999, "ODS001": 0],
                        availableStock: ["W0001": -9999, "ODS001": 0]))
                continue
            }
            let sku: String? = index % 30 == 0 ? (index % 60 == 0 ? nil : "") : String(format: "SKU-%05d", index)
            var stock: [String: Int] = [:]
            var available: [String: Int] = [:]
            for warehouse in standardWarehouses {
                let onHand = Int(random.next() % 201)
                let reserved = min(onHand, Int(random.next() % 6))
                stock[warehouse.code] = onHand
                available[warehouse.code] = onHand - reserved
            }
            products.append(Product(id: id, sku: sku, name: "Product \(index)", stock: stock, availableStock: available))
        }
        return ZortoutCatalogue(warehouses: standardWarehouses, products: products)
    }
}

/// A tiny, fast, seedable generator (Steele et al.), so catalogues are the same on every platform.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
