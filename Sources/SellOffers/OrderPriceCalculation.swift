import Foundation

/// The outcome of pricing one `OrderPriceRequest`: either every figure
/// (`complete`) or every error found (`error`, figures nil).
public struct OrderPriceCalculation: Sendable, Hashable {
    public enum Status: String, Sendable, Codable {
        case complete
        case error
    }

    /// The inputs. The row's id is not here: PostgreSQL names rows (its
    /// `sha256()` of `request.canonicalJSON`), see `OrderPriceService.Stored`.
    public let request: OrderPriceRequest
    public let orderQuantity: Int
    /// The order currency, when the offers agree on one.
    public let currency: Currency?
    public let errors: [String]
    /// Sell offer ids that do not exist (rule 2), sorted; also listed in `errors`.
    public let unknownSellOfferIDs: [String]
    /// Sorted by sell offer id; empty when there are errors.
    public let lines: [OrderPriceLine]
    /// One entry per plan, sorted by plan id; empty when there are errors.
    public let plans: [PlanCharge]
    public let subtotal: Decimal?
    public let deliveryPrice: Decimal?
    public let paymentPrice: Decimal?
    public let total: Decimal?

    public var status: Status { errors.isEmpty ? .complete : .error }

    /// An error result: prices are left nil (rule "any error makes status error").
    init(request: OrderPriceRequest, currency: Currency?, errors: [String], unknownSellOfferIDs: [String]) {
        precondition(!errors.isEmpty)
        self.request = request
        self.orderQuantity = request.orderQuantity
        self.currency = currency
        self.errors = errors
        self.unknownSellOfferIDs = unknownSellOfferIDs
        self.lines = []
        self.plans = []
        self.subtotal = nil
        self.deliveryPrice = nil
        self.paymentPrice = nil
        self.total = nil
    }

    init(request: OrderPriceRequest, currency: Currency, lines: [OrderPriceLine], plans: [PlanCharge]) {
        self.request = request
        self.orderQuantity = request.orderQuantity
        self.currency = currency
        self.errors = []
        self.unknownSellOfferIDs = []
        self.lines = lines
        self.plans = plans
        let subtotal = lines.reduce(Decimal(0)) { $0 + $1.lineTotal }
        let delivery = plans.reduce(Decimal(0)) { $0 + $1.delivery }
        let payment = plans.reduce(Decimal(0)) { $0 + $1.payment }
        self.subtotal = subtotal
        self.deliveryPrice = delivery
        self.paymentPrice = payment
        self.total = subtotal + delivery + payment
    }
}

/// One sell offer's priced line (rule 6).
public struct OrderPriceLine: Sendable, Hashable {
    public let sellOfferID: String
    public let quantity: Int
    public let unitPrice: Decimal
    /// Which basis gave the unit price (the lower one; `sellOfferQty` on a tie).
    public let basis: TierBasis
    public var lineTotal: Decimal { unitPrice * Decimal(quantity) }
}

/// What one plan adds (rules 7 and 8).
public struct PlanCharge: Sendable, Hashable {
    public let planID: String
    public let quantity: Int
    public let subtotal: Decimal
    public let delivery: Decimal
    public let payment: Decimal
}
