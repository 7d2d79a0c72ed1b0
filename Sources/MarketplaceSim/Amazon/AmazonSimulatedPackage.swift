import Foundation

/// One package Amazon holds for an order, keyed by its `packageReferenceId`:
/// a second confirmShipment with the same reference edits it (`edits`) instead
/// of adding a package.
public struct AmazonSimulatedPackage: Sendable, Codable, Equatable {
    /// The order.
    public var orderID: String
    /// The seller's reference, unique within the order.
    public var packageReferenceID: String
    /// As last sent.
    public var carrierCode: String
    /// As last sent.
    public var carrierName: String?
    /// As last sent.
    public var shippingMethod: String?
    /// As last sent.
    public var trackingNumber: String
    /// As last sent (ISO 8601 text).
    public var shipDate: String
    /// Quantity per order item id, as last sent.
    public var items: [String: Int]
    /// Accepted calls for this reference after the first.
    public var edits: Int

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", packageReferenceID = "package_reference_id", carrierCode = "carrier_code"
        case carrierName = "carrier_name", shippingMethod = "shipping_method", trackingNumber = "tracking_number"
        case shipDate = "ship_date", items, edits
    }
}
