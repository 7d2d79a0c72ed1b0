import Foundation

/// The body of `confirmShipment` (Orders v0, `ConfirmShipmentRequest` in
/// `ordersV0.json`): one package of one order. Optional fields left nil are
/// not sent.
public struct ConfirmShipmentRequest: Encodable, Sendable, Equatable {
    /// One package: Amazon keys it by `packageReferenceId` within the order, so
    /// sending the same id again edits the package instead of adding one.
    public struct PackageDetail: Encodable, Sendable, Equatable {
        /// A positive number, as text; saved on the shipment row before the call.
        public var packageReferenceId: String
        /// e.g. `FedEx`, `UPS`, or `Other` (then `carrierName` is required).
        public var carrierCode: String
        /// The carrier's name, required when `carrierCode` is `Other`.
        public var carrierName: String?
        /// e.g. `FedEx Ground`.
        public var shippingMethod: String?
        /// The tracking number.
        public var trackingNumber: String
        /// ISO 8601 date-time, e.g. `2026-11-03T10:00:00Z`.
        public var shipDate: String
        /// What the package holds.
        public var orderItems: [OrderItem]

        /// A package from parts.
        public init(
            packageReferenceId: String, carrierCode: String, carrierName: String? = nil, shippingMethod: String? = nil,
            trackingNumber: String, shipDate: String, orderItems: [OrderItem]
        ) {
            self.packageReferenceId = packageReferenceId
            self.carrierCode = carrierCode
            self.carrierName = carrierName
            self.shippingMethod = shippingMethod
            self.trackingNumber = trackingNumber
            self.shipDate = shipDate
            self.orderItems = orderItems
        }
    }

    /// One order item in the package.
    public struct OrderItem: Encodable, Sendable, Equatable {
        /// Amazon's order item id.
        public var orderItemId: String
        /// Units of it in the package.
        public var quantity: Int

        /// An item from parts.
        public init(orderItemId: String, quantity: Int) {
            self.orderItemId = orderItemId
            self.quantity = quantity
        }
    }

    /// The order's marketplace.
    public var marketplaceId: String
    /// The package.
    public var packageDetail: PackageDetail

    /// A request from parts.
    public init(marketplaceId: String, packageDetail: PackageDetail) {
        self.marketplaceId = marketplaceId
        self.packageDetail = packageDetail
    }
}
