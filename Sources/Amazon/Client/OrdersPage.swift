import ExactJSON
import Foundation

/// One `searchOrders` answer: the orders as Amazon sent them (kept whole, for
/// the `raw` column and for SQL to read the fields from), and the next page's
/// token. Decoding checks what the sync relies on: every order has an
/// `orderId`, a `lastUpdatedTime` and a fulfillment status.
public struct OrdersPage: Sendable, Decodable {
    /// The orders, each a JSON object with its `orderItems`.
    public var orders: [JSONValue]
    /// The next page's token; nil on the last page.
    public var nextToken: String?
    /// Amazon's echo of the window's end, when sent.
    public var lastUpdatedBefore: String?

    enum CodingKeys: String, CodingKey { case orders, pagination, lastUpdatedBefore }
    struct Pagination: Decodable { var nextToken: String? }

    /// From parts (tests).
    public init(orders: [JSONValue], nextToken: String?, lastUpdatedBefore: String? = nil) {
        self.orders = orders
        self.nextToken = nextToken
        self.lastUpdatedBefore = lastUpdatedBefore
    }

    /// Decodes and checks the answer; a missing field names the order.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orders = try container.decode([JSONValue].self, forKey: .orders)
        let token = try container.decodeIfPresent(Pagination.self, forKey: .pagination)?.nextToken
        nextToken = token?.isEmpty == true ? nil : token
        lastUpdatedBefore = try container.decodeIfPresent(String.self, forKey: .lastUpdatedBefore)
        for (index, order) in orders.enumerated() {
            guard case .object(let fields) = order, let id = fields["orderId"]?.stringValue, !id.isEmpty else {
                throw DecodingError.dataCorruptedError(
                    forKey: .orders, in: container, debugDescription: "orders[\(index)] has no orderId")
            }
            guard fields["lastUpdatedTime"]?.stringValue != nil else {
                throw DecodingError.dataCorruptedError(
                    forKey: .orders, in: container, debugDescription: "order \(id) has no lastUpdatedTime")
            }
            guard case .object(let fulfillment)? = fields["fulfillment"], fulfillment["fulfillmentStatus"]?.stringValue != nil
            else {
                throw DecodingError.dataCorruptedError(
                    forKey: .orders, in: container, debugDescription: "order \(id) has no fulfillment.fulfillmentStatus")
            }
            guard case .array? = fields["orderItems"] else {
                throw DecodingError.dataCorruptedError(
                    forKey: .orders, in: container, debugDescription: "order \(id) has no orderItems")
            }
        }
    }

    /// The orders as one JSON array, for the upsert statement.
    public func ordersJSON() throws -> Data {
        try JSONEncoder().encode(orders)
    }
}
