import Foundation

/// A calculation's money as fixed-point text in its currency's minor unit,
/// formatted once and used twice: by the row the batch upsert writes and by
/// the job's result (formatting a `Decimal` was a sixth of a batch's CPU when
/// each of them formatted every amount again). Nil where the figure is.
public struct FormattedAmounts: Sendable, Hashable {
    /// One line's unit price and line total, in the calculation's line order.
    public struct Line: Sendable, Hashable {
        public let unitPrice: String
        public let lineTotal: String
    }

    public let subtotal: String?
    public let deliveryPrice: String?
    public let paymentPrice: String?
    public let total: String?
    public let lines: [Line]

    public init(_ calculation: OrderPriceCalculation) {
        let currency = calculation.currency
        func format(_ amount: Decimal?) -> String? { amount.flatMap { value in currency.map { $0.format(value) } } }
        subtotal = format(calculation.subtotal)
        deliveryPrice = format(calculation.deliveryPrice)
        paymentPrice = format(calculation.paymentPrice)
        total = format(calculation.total)
        lines = calculation.lines.map { Line(unitPrice: format($0.unitPrice) ?? "", lineTotal: format($0.lineTotal) ?? "") }
    }
}
