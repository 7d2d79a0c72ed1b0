import Foundation

/// One order for `jobctl amazon order`: Amazon's fields next to the ERP's,
/// its items, shipments and refunds. Never the buyer's address or name.
public struct OrderReport: Sendable, Codable {
    /// One line.
    public struct Item: Sendable, Codable, Equatable {
        public var orderItemId: String
        public var sellerSku: String?
        public var quantityOrdered: Int
        public var quantityFulfilled: Int
        /// Exact, as stored (`numeric`).
        public var unitPrice: Decimal?
        public var erpOrderLineId: String?
        public var merchantOrderItemId: String?
        public var buyerCancelRequested: Bool
    }

    /// One shipment row.
    public struct Shipment: Sendable, Codable, Equatable {
        public var erpPickingId: String
        public var packageReferenceId: Int?
        public var trackingNumber: String
        public var status: String
        public var message: String?
    }

    /// One refund row.
    public struct Adjustment: Sendable, Codable, Equatable {
        public var erpRefundId: String
        public var status: String
        public var feedId: Int64?
        public var message: String?
    }

    public var accountId: Int64
    public var amazonOrderId: String
    public var marketplaceId: String
    public var fulfillmentStatus: String
    public var lastUpdatedTime: Date
    public var shipByLatest: Date?
    /// Exact, as stored (`numeric`).
    public var grandTotal: Decimal?
    public var currency: String?
    public var erpOrderId: String?
    public var merchantOrderId: String?
    public var erpAction: String?
    public var cancelReason: String?
    public var ackStatus: String
    public var ackMessage: String?
    /// Amazon's feed id of the acknowledgement.
    public var ackFeedId: String?
    public var syncStatus: String
    public var syncMessage: String?
    public var items: [Item]
    public var shipments: [Shipment]
    public var adjustments: [Adjustment]
}
