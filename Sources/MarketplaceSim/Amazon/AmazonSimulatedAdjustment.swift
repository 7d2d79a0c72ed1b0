import Foundation

/// A refund Amazon accepted from a POST_PAYMENT_ADJUSTMENT_DATA feed.
public struct AmazonSimulatedAdjustment: Sendable, Codable, Equatable {
    /// The feed and message it came in.
    public var feedID: String
    /// Its MessageID.
    public var messageID: Int
    /// The order.
    public var orderID: String
    /// `Refund` or `Cancel`.
    public var actionType: String
    /// Every item's MerchantAdjustmentItemID (empty when not sent).
    public var merchantAdjustmentItemIDs: [String]
    /// Refunded minus charged, exact.
    public var net: Decimal
    /// The amounts' currency.
    public var currency: String

    enum CodingKeys: String, CodingKey {
        case feedID = "feed_id", messageID = "message_id", orderID = "order_id", actionType = "action_type"
        case merchantAdjustmentItemIDs = "merchant_adjustment_item_ids", net, currency
    }
}
