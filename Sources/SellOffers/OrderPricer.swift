import Foundation

/// The pricing rules of `docs/design/sell-offer-pricing.md`, steps 1–9, as a
/// pure function: no database, no clock, so it can be property-tested.
/// Every error is collected; none stops the others from being found.
public enum OrderPricer {
    public static func price(_ request: OrderPriceRequest, catalog: PricingCatalog) -> OrderPriceCalculation {
        var errors: [String] = []
        let ids = request.sortedSellOfferIDs
        let orderQuantity = request.orderQuantity

        // 1. Quantities.
        if ids.isEmpty { errors.append("no sell offers given") }
        for id in ids where request.sellOfferQuantities[id]! <= 0 {
            errors.append("sell offer \(id) quantity must be a positive whole number, got \(request.sellOfferQuantities[id]!)")
        }

        // 2. Offers exist, are enabled, share one currency.
        var offers: [SellOfferRecord] = []
        var unknown: [String] = []
        for id in ids {
            guard let offer = catalog.offers[id] else {
                unknown.append(id)
                errors.append("sell offer \(id) does not exist")
                continue
            }
            if !offer.enabled { errors.append("sell offer \(id) is disabled") }
            offers.append(offer)
        }
        let currencyCodes = Set(offers.map(\.currency))
        var currency: Currency?
        if currencyCodes.count > 1 {
            let list = offers.map { "\($0.id) \($0.currency)" }.joined(separator: ", ")
            errors.append("sell offers do not share one currency: \(list)")
        } else if let code = currencyCodes.first {
            currency = catalog.currencies[code]
            if currency == nil { errors.append("currency \(code) has no minor unit configured") }
        }

        // 3. + 4. Links and rates, per distinct plan.
        let planIDs = Set(offers.map(\.planID)).sorted(by: CanonicalJSON.precedes)
        var deliveryLinks: [String: (DeliveryLink, DeliveryRate)] = [:]
        var paymentLinks: [String: PaymentLink] = [:]
        for plan in planIDs {
            if let link = catalog.deliveryLinks[PlanMethod(planID: plan, methodID: request.deliveryMethodID)] {
                if let currency, link.currency != currency.code {
                    errors.append(
                        "delivery method \(request.deliveryMethodID) (plan \(plan)) is in \(link.currency) but the order is in \(currency.code)"
                    )
                }
                if let rate = link.rates[request.deliverToLocationID] {
                    deliveryLinks[plan] = (link, rate)
                    if let currency {
                        for amount in [rate.perOrder, rate.perUnit, link.oneTimeAmount] where !currency.fits(amount) {
                            errors.append(
                                "delivery method \(request.deliveryMethodID) (plan \(plan)) amount \(amount) has more decimals than \(currency.code) allows (\(currency.minorUnit))"
                            )
                        }
                    }
                } else {
                    errors.append(
                        "delivery method \(request.deliveryMethodID) has no rate for location \(request.deliverToLocationID) (plan \(plan))"
                    )
                }
            } else {
                errors.append("plan \(plan) offers no delivery method \(request.deliveryMethodID)")
            }
            if let link = catalog.paymentLinks[PlanMethod(planID: plan, methodID: request.paymentMethodID)] {
                paymentLinks[plan] = link
                // 8, first bullet: a one-time amount cannot be converted.
                if let currency, link.oneTimeAmount != 0 {
                    if link.currency != currency.code {
                        errors.append(
                            "payment method \(request.paymentMethodID) charges a one-time amount in \(link.currency) but the order is in \(currency.code)"
                        )
                    } else if !currency.fits(link.oneTimeAmount) {
                        errors.append(
                            "payment method \(request.paymentMethodID) (plan \(plan)) amount \(link.oneTimeAmount) has more decimals than \(currency.code) allows (\(currency.minorUnit))"
                        )
                    }
                }
            } else {
                errors.append("plan \(plan) offers no payment method \(request.paymentMethodID)")
            }
        }

        // 5. Unit prices.
        var lines: [OrderPriceLine] = []
        for offer in offers {
            let quantity = request.sellOfferQuantities[offer.id]!
            guard
                let (unit, basis) = unitPrice(
                    tiers: catalog.tiers[offer.id] ?? [], sellOfferQuantity: quantity, orderQuantity: orderQuantity)
            else {
                errors.append("sell offer \(offer.id) has no price for quantity \(quantity)")
                continue
            }
            if let currency, !currency.fits(unit) {
                errors.append(
                    "sell offer \(offer.id) unit price \(unit) has more decimals than \(currency.code) allows (\(currency.minorUnit))"
                )
            }
            lines.append(OrderPriceLine(sellOfferID: offer.id, quantity: quantity, unitPrice: unit, basis: basis))
        }

        guard errors.isEmpty, let currency else {
            return OrderPriceCalculation(
                request: request, currency: currency,
                errors: errors.isEmpty ? ["no order currency"] : errors, unknownSellOfferIDs: unknown)
        }

        // 6.–8. Per plan: subtotal, delivery, payment (rounded once, here).
        var charges: [PlanCharge] = []
        for plan in planIDs {
            let planLines = lines.filter { catalog.offers[$0.sellOfferID]!.planID == plan }
            let quantity = planLines.reduce(0) { $0 + $1.quantity }
            let subtotal = planLines.reduce(Decimal(0)) { $0 + $1.lineTotal }
            let (link, rate) = deliveryLinks[plan]!
            let delivery = rate.perOrder + rate.perUnit * Decimal(quantity) + link.oneTimeAmount
            let paymentLink = paymentLinks[plan]!
            let percentage = currency.round(paymentLink.oneTimePercentage / 100 * (subtotal + delivery))
            let payment = paymentLink.oneTimeAmount + percentage
            charges.append(PlanCharge(planID: plan, quantity: quantity, subtotal: subtotal, delivery: delivery, payment: payment))
        }
        // 9. total = subtotal + delivery + payment (in the initializer).
        return OrderPriceCalculation(request: request, currency: currency, lines: lines, plans: charges)
    }

    /// Rule 5: per basis, the tier with the smallest bound covering the
    /// quantity (no bound = infinity); the unit price is the lowest of the
    /// bases that have one. Nil when neither basis has a covering tier.
    public static func unitPrice(tiers: [PriceTier], sellOfferQuantity: Int, orderQuantity: Int) -> (Decimal, TierBasis)? {
        var best: (Decimal, TierBasis)?
        for basis in TierBasis.allCases {
            let quantity = basis == .sellOfferQty ? sellOfferQuantity : orderQuantity
            let match = tiers.filter { $0.basis == basis && $0.covers(quantity) }
                .min { ($0.upToQuantity ?? .max) < ($1.upToQuantity ?? .max) }
            if let match, best.map({ match.unitPrice < $0.0 }) ?? true { best = (match.unitPrice, basis) }
        }
        return best
    }
}
