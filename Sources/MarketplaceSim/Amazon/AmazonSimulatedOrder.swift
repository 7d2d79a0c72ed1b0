/// An order the simulator accepts shipments and refunds for: its
/// marketplace and items (order item id → quantity ordered).
public struct AmazonSimulatedOrder: Sendable, Codable, Equatable {
    /// Amazon's order id, e.g. `111-1234567-1234567`.
    public var orderID: String
    /// The order's marketplace.
    public var marketplaceID: String
    /// Quantity ordered per order item id.
    public var items: [String: Int]

    /// An order from parts.
    public init(orderID: String, marketplaceID: String = "ATVPDKIKX0DER", items: [String: Int]) {
        self.orderID = orderID
        self.marketplaceID = marketplaceID
        self.items = items
    }

    enum CodingKeys: String, CodingKey { case orderID = "order_id", marketplaceID = "marketplace_id", items }
}
