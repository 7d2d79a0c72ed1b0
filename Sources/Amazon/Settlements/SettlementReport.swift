import Foundation

/// One settlement of a `GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2` report:
/// the summary row's figures and every transaction line, amounts exact.
public struct SettlementReport: Sendable, Equatable {
    /// One transaction line (a row with an `amount`).
    public struct Line: Sendable, Equatable {
        /// 1-based row number in the file, the header being row 1.
        public var row: Int
        /// `transaction-type`, e.g. `Order`, `Refund`.
        public var transactionType: String?
        /// `order-id`.
        public var orderID: String?
        /// `merchant-order-id`.
        public var merchantOrderID: String?
        /// `adjustment-id`.
        public var adjustmentID: String?
        /// `shipment-id`.
        public var shipmentID: String?
        /// `marketplace-name`.
        public var marketplaceName: String?
        /// `amount-type`, e.g. `ItemPrice`.
        public var amountType: String?
        /// `amount-description`, e.g. `Principal`.
        public var amountDescription: String?
        /// `amount`, exact.
        public var amount: Decimal
        /// `fulfillment-id`.
        public var fulfillmentID: String?
        /// `posted-date-time` (else `posted-date`).
        public var postedAt: Date?
        /// `order-item-code`.
        public var orderItemCode: String?
        /// `merchant-order-item-id`.
        public var merchantOrderItemID: String?
        /// `merchant-adjustment-item-id`.
        public var merchantAdjustmentItemID: String?
        /// `sku`.
        public var sku: String?
        /// `quantity-purchased`.
        public var quantityPurchased: Int?
        /// `promotion-id`, in files that carry it.
        public var promotionID: String?
        /// Non-empty fields of columns this type has no place for, by header name.
        public var extra: [String: String]
    }

    /// `settlement-id`.
    public var settlementID: String
    /// `settlement-start-date`.
    public var startDate: Date?
    /// `settlement-end-date`.
    public var endDate: Date?
    /// `deposit-date`.
    public var depositDate: Date?
    /// `total-amount`, exact: what Amazon pays out.
    public var totalAmount: Decimal
    /// `currency`.
    public var currency: String
    /// The transaction lines, in file order.
    public var lines: [Line]

    /// The lines' amounts added up exactly.
    public var linesTotal: Decimal { lines.reduce(Decimal(0)) { $0 + $1.amount } }

    /// Refuses a settlement whose lines do not add up to `total-amount`, naming both figures.
    public func verify() throws(SettlementReportError) {
        let sum = linesTotal
        guard sum == totalAmount else {
            throw .totalMismatch(
                settlementID: settlementID, linesTotal: sum, totalAmount: totalAmount, currency: currency,
                lines: lines.count)
        }
    }
}
