import ExactJSON
import Foundation
import Postgres

/// One `amazon_shipment` row with what the confirmation needs of its order.
public struct ShipmentRow: Sendable, Equatable {
    /// `amazon_shipment.id`.
    public var id: Int64
    /// The order's account.
    public var accountID: Int64
    /// Amazon's order id.
    public var amazonOrderID: String
    /// The order's marketplace.
    public var marketplaceID: String
    /// The ERP's picking id.
    public var erpPickingID: String
    /// Saved before the first call; nil until then.
    public var packageReferenceID: Int?
    /// ERP columns.
    public var carrierCode: String
    /// Required when `carrierCode` is `Other`.
    public var carrierName: String?
    /// Optional.
    public var shippingMethod: String?
    /// The tracking number.
    public var trackingNumber: String
    /// When the package left.
    public var shipDate: Date
    /// The `items` jsonb text.
    public var itemsJSON: String
    /// New, Sending, Success or Failure.
    public var status: String
    /// Calls made so far.
    public var attempts: Int

    static let columns = """
        s.id, o.account_id, o.amazon_order_id, o.marketplace_id, s.erp_picking_id, s.package_reference_id, s.carrier_code,
        s.carrier_name, s.shipping_method, s.tracking_number, s.ship_date, s.items::text AS items, s.status, s.attempts
        """

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        accountID = try row.decode(Int64.self, "account_id")
        amazonOrderID = try row.decode(String.self, "amazon_order_id")
        marketplaceID = try row.decode(String.self, "marketplace_id")
        erpPickingID = try row.decode(String.self, "erp_picking_id")
        packageReferenceID = try row.decode(Int?.self, "package_reference_id")
        carrierCode = try row.decode(String.self, "carrier_code")
        carrierName = try row.decode(String?.self, "carrier_name")
        shippingMethod = try row.decode(String?.self, "shipping_method")
        trackingNumber = try row.decode(String.self, "tracking_number")
        shipDate = try row.decode(Date.self, "ship_date")
        itemsJSON = try row.decode(String.self, "items")
        status = try row.decode(String.self, "status")
        attempts = try row.decode(Int.self, "attempts")
    }

    /// The `confirmShipment` body for this row with reference `reference`;
    /// a row the call could never accept (no items, carrier `Other` without a
    /// name) is refused here, before anything is sent.
    public func request(reference: Int) throws(ShipmentInvalid) -> ConfirmShipmentRequest {
        let label = "shipment \(id) (picking \(erpPickingID)) of order \(amazonOrderID)"
        func invalid(_ why: String) -> ShipmentInvalid { ShipmentInvalid(description: "\(label): \(why); it was not sent") }
        guard !carrierCode.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid("carrier_code is empty") }
        if carrierCode == "Other", (carrierName ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw invalid("carrier_code is Other, so carrier_name is required")
        }
        guard !trackingNumber.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid("tracking_number is empty") }
        guard case .array(let entries)? = try? JSONParser.parse(itemsJSON), !entries.isEmpty else {
            throw invalid("items must be a non-empty array of {\"order_item_id\", \"quantity\"}")
        }
        var items: [ConfirmShipmentRequest.OrderItem] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let fields) = entry, let itemID = fields["order_item_id"]?.stringValue, !itemID.isEmpty else {
                throw invalid("items[\(index)].order_item_id is missing")
            }
            guard let quantity = fields["quantity"]?.numericValue, quantity >= 1, quantity <= 100_000,
                quantity == Decimal(NSDecimalNumber(decimal: quantity).intValue)
            else { throw invalid("items[\(index)].quantity must be a whole number of at least 1") }
            items.append(.init(orderItemId: itemID, quantity: NSDecimalNumber(decimal: quantity).intValue))
        }
        return ConfirmShipmentRequest(
            marketplaceId: marketplaceID,
            packageDetail: .init(
                packageReferenceId: String(reference), carrierCode: carrierCode, carrierName: carrierName,
                shippingMethod: shippingMethod, trackingNumber: trackingNumber, shipDate: shipDate.formatted(.iso8601),
                orderItems: items))
    }
}
