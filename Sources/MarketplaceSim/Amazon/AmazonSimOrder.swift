import Foundation

/// An order as the simulator keeps it, rendered as the Orders API 2026-01-01
/// `Order` (with `orderItems`). Merchant-fulfilled; the recipient's address
/// (buyer personal data) appears only once the order left PENDING, as Amazon
/// releases it.
public struct AmazonSimOrder: Sendable, Codable, Equatable {
    /// One line of the order.
    public struct Item: Sendable, Codable, Equatable {
        /// Amazon's order item id (14 digits).
        public var orderItemID: String
        /// The seller's SKU.
        public var sellerSKU: String
        /// Units ordered.
        public var quantityOrdered: Int
        /// Units shipped.
        public var quantityFulfilled: Int
        /// Decimal string, e.g. `19.99`.
        public var unitPrice: String
        /// A buyer's cancellation request, if any.
        public var buyerCancelReason: String?

        enum CodingKeys: String, CodingKey {
            case orderItemID = "order_item_id", sellerSKU = "seller_sku", quantityOrdered = "quantity_ordered"
            case quantityFulfilled = "quantity_fulfilled", unitPrice = "unit_price", buyerCancelReason = "buyer_cancel_reason"
        }
    }

    /// One acknowledgement message the simulator accepted for this order.
    public struct Acknowledgement: Sendable, Codable, Equatable {
        /// The feed that carried it.
        public var feedID: String
        /// `Success` or `Failure`.
        public var statusCode: String
        /// `MerchantOrderID`, as received.
        public var merchantOrderID: String?
        /// `AmazonOrderItemCode` → `MerchantOrderItemID`.
        public var merchantItemIDs: [String: String]
        /// `CancelReason` of the items, when cancelled.
        public var cancelReasons: [String: String]

        enum CodingKeys: String, CodingKey {
            case feedID = "feed_id", statusCode = "status_code", merchantOrderID = "merchant_order_id"
            case merchantItemIDs = "merchant_item_ids", cancelReasons = "cancel_reasons"
        }
    }

    /// e.g. `902-0000001-0000001`.
    public var orderID: String
    /// The marketplace it was placed in.
    public var marketplaceID: String
    /// `PENDING`, `UNSHIPPED`, `PARTIALLY_SHIPPED`, `SHIPPED`, `CANCELLED`.
    public var status: String
    /// When it was placed.
    public var createdTime: Date
    /// Every change moves it.
    public var lastUpdatedTime: Date
    /// Latest ship-by time.
    public var shipByLatest: Date
    /// ISO 4217.
    public var currency: String
    /// The lines.
    public var items: [Item]
    /// The buyer's name (personal data; tests check it never reaches a log).
    public var buyerName: String
    /// Acknowledgements accepted, oldest first.
    public var acknowledgements: [Acknowledgement] = []

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", marketplaceID = "marketplace_id", status, createdTime = "created_time"
        case lastUpdatedTime = "last_updated_time", shipByLatest = "ship_by_latest", currency, items
        case buyerName = "buyer_name", acknowledgements
    }

    /// The grand total: the sum of the lines, exact.
    public var grandTotal: Decimal {
        items.reduce(Decimal(0)) { $0 + (Decimal(string: $1.unitPrice) ?? 0) * Decimal($1.quantityOrdered) }
    }

    /// The `Order` object of a `searchOrders` answer.
    func json() -> [String: Any] {
        let iso = { (date: Date) in Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date) }
        var fulfillment: [String: Any] = [
            "fulfillmentStatus": status, "fulfilledBy": "MERCHANT", "fulfillmentServiceLevel": "STANDARD",
            "shipByWindow": ["earliestDateTime": iso(createdTime), "latestDateTime": iso(shipByLatest)],
        ]
        if status == "PENDING" { fulfillment.removeValue(forKey: "shipByWindow") }
        var order: [String: Any] = [
            "orderId": orderID, "createdTime": iso(createdTime), "lastUpdatedTime": iso(lastUpdatedTime),
            "salesChannel": ["channelName": "AMAZON", "marketplaceId": marketplaceID, "marketplaceName": "Amazon.com"],
            "fulfillment": fulfillment,
            "proceeds": ["grandTotal": ["amount": "\(grandTotal)", "currencyCode": currency]],
            "packages": [] as [Any],
            "orderItems": items.map { item -> [String: Any] in
                var line: [String: Any] = [
                    "orderItemId": item.orderItemID, "quantityOrdered": item.quantityOrdered,
                    "product": [
                        "sellerSku": item.sellerSKU, "asin": "B0" + String(item.orderItemID.suffix(8)),
                        "title": "Item \(item.sellerSKU)",
                        "price": ["unitPrice": ["amount": item.unitPrice, "currencyCode": currency]],
                    ],
                    "fulfillment": [
                        "quantityFulfilled": item.quantityFulfilled,
                        "quantityUnfulfilled": item.quantityOrdered - item.quantityFulfilled,
                    ],
                ]
                if let reason = item.buyerCancelReason {
                    line["cancellation"] = ["cancellationRequest": ["requester": "BUYER", "cancelReason": reason]]
                }
                return line
            },
        ]
        if status != "PENDING" {
            order["recipient"] = [
                "deliveryAddress": [
                    "name": buyerName, "addressLine1": "1 Privacy Lane", "city": "Seattle", "stateOrRegion": "WA",
                    "postalCode": "98101", "countryCode": "US",
                ]
            ]
        }
        return order
    }
}
