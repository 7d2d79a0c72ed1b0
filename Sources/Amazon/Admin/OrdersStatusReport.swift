import Foundation

/// The order tab of `jobctl amazon status`: where the account's orders stand.
public struct OrdersStatusReport: Sendable, Codable {
    /// Orders of one fulfillment status.
    public struct Count: Sendable, Codable, Equatable {
        /// `PENDING`, `UNSHIPPED`, …
        public var status: String
        /// How many.
        public var count: Int
    }

    /// The download of one marketplace.
    public struct Download: Sendable, Codable, Equatable {
        /// The marketplace.
        public var marketplaceId: String
        /// Everything updated before it is stored.
        public var watermark: Date?
        /// A window is being walked.
        public var inProgress: Bool
        /// Pages of the current (or last) window.
        public var pages: Int
        /// Orders of the current (or last) window.
        public var ordersSeen: Int
    }

    /// An order a person should look at.
    public struct Attention: Sendable, Codable, Equatable {
        /// Amazon's order id.
        public var amazonOrderId: String
        /// Its fulfillment status.
        public var status: String
        /// Why it is listed.
        public var reason: String
        /// The message (Amazon's, or the sync's).
        public var message: String?
    }

    /// Orders by status.
    public var counts: [Count]
    /// Orders out of PENDING and not cancelled whose acknowledgement is not Success.
    public var unacknowledged: Int
    /// Acknowledgements that ended Failure.
    public var acknowledgementFailures: Int
    /// UNSHIPPED or PARTIALLY_SHIPPED orders past their latest ship-by time.
    public var unshippedPastShipBy: Int
    /// Orders with an ERP action waiting (`erp_action` set).
    public var waitingForERP: Int
    /// Shipments whose confirmation ended Failure.
    public var failedShipments: Int
    /// Refunds a person must resolve (`amazon_adjustment.status` Review).
    public var refundsNeedingPerson: Int
    /// Per marketplace.
    public var downloads: [Download]
    /// Up to `limit` orders needing a person, newest first.
    public var attention: [Attention]
}
