/// One order's `OrderAcknowledgement` message: the ERP's ids for an
/// acknowledgement (`Success`), or a cancellation (`Failure`) with a reason per item.
public struct AcknowledgementMessage: Sendable, Equatable {
    /// One `Item` of the message.
    public struct Item: Sendable, Equatable {
        /// `AmazonOrderItemCode`.
        public var orderItemID: String
        /// `MerchantOrderItemID`: the ERP's line id.
        public var merchantOrderItemID: String?
        /// `CancelReason`, on a cancellation.
        public var cancelReason: String?

        /// An item from parts.
        public init(orderItemID: String, merchantOrderItemID: String?, cancelReason: String? = nil) {
            self.orderItemID = orderItemID
            self.merchantOrderItemID = merchantOrderItemID
            self.cancelReason = cancelReason
        }
    }

    /// `MessageID`, 1… per document.
    public var messageID: Int
    /// The `amazon_order` row it came from.
    public var orderRowID: Int64
    /// `AmazonOrderID`.
    public var amazonOrderID: String
    /// `MerchantOrderID` (at most 64 characters).
    public var merchantOrderID: String?
    /// True: `StatusCode` Failure, which cancels the whole order.
    public var cancel: Bool
    /// The items.
    public var items: [Item]

    /// A message from parts.
    public init(
        messageID: Int, orderRowID: Int64, amazonOrderID: String, merchantOrderID: String?, cancel: Bool, items: [Item]
    ) {
        self.messageID = messageID
        self.orderRowID = orderRowID
        self.amazonOrderID = amazonOrderID
        self.merchantOrderID = merchantOrderID
        self.cancel = cancel
        self.items = items
    }
}
