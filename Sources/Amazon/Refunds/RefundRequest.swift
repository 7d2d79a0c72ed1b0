import Foundation

/// One `amazon_adjustment` row made ready for the `POST_PAYMENT_ADJUSTMENT_DATA`
/// feed: its lines read from jsonb with exact decimals, every value checked
/// against the feed's vocabulary, and the net (refunded minus charged) known
/// to be a credit before anything is sent (`RefundRequest+Parse.swift`).
public struct RefundRequest: Sendable, Equatable {
    /// One `AdjustedItem`.
    public struct Item: Sendable, Equatable {
        /// Amazon's order item id (`AmazonOrderItemCode`).
        public var orderItemID: String
        /// The ERP's id for this line of the refund (`MerchantAdjustmentItemID`).
        public var merchantAdjustmentItemID: String?
        /// Units refunded, when the ERP says.
        public var quantity: Int?
        /// `ItemPriceAdjustments/Component`s: type and signed total (positive refunded, negative charged).
        public var components: [Component]
    }

    /// One price component.
    public struct Component: Sendable, Equatable {
        /// e.g. `Principal`, `Shipping`, `RestockingFee`.
        public var type: String
        /// Signed total for the quantity: positive is refunded, negative charged.
        public var amount: Decimal
    }

    /// `amazon_adjustment.id`.
    public var adjustmentID: Int64
    /// The ERP's refund id (the deduplication key).
    public var erpRefundID: String
    /// Amazon's order id.
    public var amazonOrderID: String
    /// `Refund` or `Cancel`.
    public var actionType: String
    /// `AdjustmentReason`.
    public var reason: String
    /// The `currency` attribute of every amount.
    public var currency: String
    /// The adjusted items.
    public var items: [Item]

    /// Refunded minus charged, over every component.
    public var net: Decimal { items.reduce(Decimal(0)) { $0 + $1.components.reduce(Decimal(0)) { $0 + $1.amount } } }

    /// `AdjustmentReason` values (OrderAdjustment.xsd).
    public static let reasons: Set<String> = [
        "NoInventory", "CustomerReturn", "GeneralAdjustment", "CouldNotShip", "DifferentItem", "Abandoned", "CustomerCancel",
        "PriceError", "ProductOutofStock", "CustomerAddressIncorrect", "Exchange", "Other", "CarrierCreditDecision",
        "RiskAssessmentInformationNotValid", "CarrierCoverageFailure", "TransactionRecord", "Undeliverable",
        "RefusedDelivery",
    ]

    /// `Component/Type` values (OrderAdjustment.xsd).
    public static let componentTypes: Set<String> = [
        "Principal", "Shipping", "Tax", "ShippingTax", "RestockingFee", "RestockingFeeTax", "GiftWrap", "GiftWrapTax",
        "Surcharge", "ReturnShipping", "Goodwill", "ExportCharge", "COD", "CODTax", "Other",
        "FreeReplacementReturnShipping",
    ]
}
