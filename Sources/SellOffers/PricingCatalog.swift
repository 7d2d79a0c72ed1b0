import Foundation

/// Everything one or more price calculations may read, loaded in one query by
/// `OrderPriceRepository` and then used without a database. Missing entries
/// are meaningful: a link or rate that is not here does not exist.
public struct PricingCatalog: Sendable {
    public var currencies: [String: Currency]
    public var offers: [String: SellOfferRecord]
    /// Price tiers by sell offer id.
    public var tiers: [String: [PriceTier]]
    public var deliveryLinks: [PlanMethod: DeliveryLink]
    public var paymentLinks: [PlanMethod: PaymentLink]

    public init(
        currencies: [String: Currency] = [:], offers: [String: SellOfferRecord] = [:], tiers: [String: [PriceTier]] = [:],
        deliveryLinks: [PlanMethod: DeliveryLink] = [:], paymentLinks: [PlanMethod: PaymentLink] = [:]
    ) {
        self.currencies = currencies
        self.offers = offers
        self.tiers = tiers
        self.deliveryLinks = deliveryLinks
        self.paymentLinks = paymentLinks
    }

    public mutating func add(_ currency: Currency) { currencies[currency.code] = currency }
    public mutating func add(_ offer: SellOfferRecord) { offers[offer.id] = offer }
    public mutating func add(_ tier: PriceTier) { tiers[tier.sellOfferID, default: []].append(tier) }
    public mutating func add(_ link: DeliveryLink) {
        deliveryLinks[PlanMethod(planID: link.planID, methodID: link.deliveryMethodID)] = link
    }
    public mutating func add(_ link: PaymentLink) {
        paymentLinks[PlanMethod(planID: link.planID, methodID: link.paymentMethodID)] = link
    }
}

/// A plan's link to a delivery or payment method is unique per (plan, method).
public struct PlanMethod: Sendable, Hashable {
    public let planID: String
    public let methodID: String
    public init(planID: String, methodID: String) {
        self.planID = planID
        self.methodID = methodID
    }
}

public struct SellOfferRecord: Sendable, Hashable {
    public let id: String
    public let planID: String
    /// The plan's currency, fixed when the offer is created.
    public let currency: String
    /// `has_sellOffer` (true) or `disabled_sellOffer` (false).
    public let enabled: Bool

    public init(id: String, planID: String, currency: String, enabled: Bool = true) {
        self.id = id
        self.planID = planID
        self.currency = currency
        self.enabled = enabled
    }
}

public enum TierBasis: String, Sendable, Hashable, CaseIterable, Codable {
    /// The quantity of this sell offer alone.
    case sellOfferQty
    /// The whole order's quantity, all sell offers together.
    case orderQty
}

public struct PriceTier: Sendable, Hashable {
    public let sellOfferID: String
    public let basis: TierBasis
    /// Inclusive upper bound; nil means no bound.
    public let upToQuantity: Int?
    public let unitPrice: Decimal

    public init(sellOfferID: String, basis: TierBasis, upToQuantity: Int?, unitPrice: Decimal) {
        self.sellOfferID = sellOfferID
        self.basis = basis
        self.upToQuantity = upToQuantity
        self.unitPrice = unitPrice
    }

    public func covers(_ quantity: Int) -> Bool { upToQuantity.map { quantity <= $0 } ?? true }
}

public struct DeliveryLink: Sendable, Hashable {
    public let planID: String
    public let deliveryMethodID: String
    /// Must equal the plan's currency: a rate is added to prices without conversion.
    public let currency: String
    public let oneTimeAmount: Decimal
    /// Rates by deliver-to location id.
    public var rates: [String: DeliveryRate]

    public init(
        planID: String, deliveryMethodID: String, currency: String, oneTimeAmount: Decimal = 0,
        rates: [String: DeliveryRate] = [:]
    ) {
        self.planID = planID
        self.deliveryMethodID = deliveryMethodID
        self.currency = currency
        self.oneTimeAmount = oneTimeAmount
        self.rates = rates
    }
}

public struct DeliveryRate: Sendable, Hashable {
    public let perOrder: Decimal
    public let perUnit: Decimal
    public init(perOrder: Decimal, perUnit: Decimal) {
        self.perOrder = perOrder
        self.perUnit = perUnit
    }
}

public struct PaymentLink: Sendable, Hashable {
    public let planID: String
    public let paymentMethodID: String
    /// May differ from the plan's: only a one-time *amount* then becomes an error.
    public let currency: String
    public let oneTimeAmount: Decimal
    /// Percent, e.g. 3 for 3 %.
    public let oneTimePercentage: Decimal

    public init(
        planID: String, paymentMethodID: String, currency: String, oneTimeAmount: Decimal = 0, oneTimePercentage: Decimal = 0
    ) {
        self.planID = planID
        self.paymentMethodID = paymentMethodID
        self.currency = currency
        self.oneTimeAmount = oneTimeAmount
        self.oneTimePercentage = oneTimePercentage
    }
}
