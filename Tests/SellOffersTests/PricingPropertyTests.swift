import Foundation
import Testing

@testable import SellOffers

/// SplitMix64: a tiny seeded generator, so every run checks the same cases
/// and a failure names a seed that reproduces it.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct PricingPropertyTests {
    static let thb = Currency(code: "THB", minorUnit: 2)

    /// A random money amount in satang, built from integers (exact).
    static func amount(_ rng: inout SeededGenerator, max: Int) -> Decimal {
        Decimal(Int.random(in: 0...max, using: &rng)) / 100
    }

    static func randomCase(seed: UInt64) -> (PricingCatalog, OrderPriceRequest) {
        var rng = SeededGenerator(seed: seed)
        var catalog = PricingCatalog()
        catalog.add(thb)
        let plans = ["P1", "P2"]
        var quantities: [String: Int] = [:]
        for index in 0..<Int.random(in: 1...4, using: &rng) {
            let id = "SO-\(index)"
            let plan = plans.randomElement(using: &rng)!
            catalog.add(SellOfferRecord(id: id, planID: plan, currency: "THB"))
            var seen = Set<String>()
            for _ in 0..<Int.random(in: 0...5, using: &rng) {
                let basis = TierBasis.allCases.randomElement(using: &rng)!
                let bound: Int? = Bool.random(using: &rng) ? nil : Int.random(in: 1...40, using: &rng)
                guard seen.insert("\(basis)-\(bound.map(String.init) ?? "nil")").inserted else { continue }
                catalog.add(PriceTier(sellOfferID: id, basis: basis, upToQuantity: bound, unitPrice: amount(&rng, max: 50_000)))
            }
            quantities[id] = Int.random(in: 1...40, using: &rng)
        }
        for plan in plans {
            catalog.add(
                DeliveryLink(
                    planID: plan, deliveryMethodID: "DM", currency: "THB", oneTimeAmount: amount(&rng, max: 2_000),
                    rates: ["L": DeliveryRate(perOrder: amount(&rng, max: 10_000), perUnit: amount(&rng, max: 1_000))]))
            catalog.add(
                PaymentLink(
                    planID: plan, paymentMethodID: "PM", currency: "THB", oneTimeAmount: amount(&rng, max: 2_000),
                    oneTimePercentage: Decimal(Int.random(in: 0...100, using: &rng)) / 10))
        }
        return (
            catalog,
            OrderPriceRequest(
                sellOfferQuantities: quantities, deliverToLocationID: "L", deliveryMethodID: "DM", paymentMethodID: "PM")
        )
    }

    /// The tier rule 5 picks on one basis, found differently from the code
    /// under test: sort by bound and take the first that covers.
    static func matchingTier(_ tiers: [PriceTier], basis: TierBasis, quantity: Int) -> PriceTier? {
        tiers.filter { $0.basis == basis }
            .sorted { ($0.upToQuantity ?? Int.max) < ($1.upToQuantity ?? Int.max) }
            .first { $0.upToQuantity == nil || quantity <= $0.upToQuantity! }
    }

    @Test(arguments: 0..<400)
    func properties(seed: Int) throws {
        let (catalog, request) = Self.randomCase(seed: UInt64(seed))
        let result = OrderPricer.price(request, catalog: catalog)
        let thb = Self.thb

        // Each line: the unit price never exceeds any matching tier, and is one of them.
        var unpriced: [String] = []
        for (id, quantity) in request.sellOfferQuantities {
            let tiers = catalog.tiers[id] ?? []
            let matches = [
                Self.matchingTier(tiers, basis: .sellOfferQty, quantity: quantity),
                Self.matchingTier(tiers, basis: .orderQty, quantity: request.orderQuantity),
            ].compactMap { $0 }
            if matches.isEmpty { unpriced.append(id); continue }
            if let line = result.lines.first(where: { $0.sellOfferID == id }) {
                for tier in matches { #expect(line.unitPrice <= tier.unitPrice, "seed \(seed)") }
                #expect(matches.contains { $0.unitPrice == line.unitPrice }, "seed \(seed)")
                #expect(line.lineTotal == line.unitPrice * Decimal(quantity), "seed \(seed)")
            }
        }

        if unpriced.isEmpty {
            #expect(result.status == .complete, "seed \(seed): \(result.errors)")
            // A complete price has every figure and a line per sell offer, so the
            // per-line checks above ran for each of them.
            #expect(result.lines.count == request.sellOfferQuantities.count, "seed \(seed)")
            let subtotal = try #require(result.subtotal, "seed \(seed)")
            let delivery = try #require(result.deliveryPrice, "seed \(seed)")
            let payment = try #require(result.paymentPrice, "seed \(seed)")
            let total = try #require(result.total, "seed \(seed)")
            #expect(total == subtotal + delivery + payment, "seed \(seed)")
            #expect(subtotal == result.lines.reduce(Decimal(0)) { $0 + $1.lineTotal }, "seed \(seed)")
            #expect(delivery == result.plans.reduce(Decimal(0)) { $0 + $1.delivery }, "seed \(seed)")
            #expect(result.plans.reduce(0) { $0 + $1.quantity } == request.orderQuantity, "seed \(seed)")
            #expect(thb.fits(total), "seed \(seed): total \(total) has more than 2 decimals")
            for plan in result.plans {
                let link = catalog.paymentLinks[PlanMethod(planID: plan.planID, methodID: "PM")]!
                let exact = link.oneTimeAmount + link.oneTimePercentage / 100 * (plan.subtotal + plan.delivery)
                // Rounded once, to the minor unit: within half a satang of the exact figure.
                let difference = plan.payment - exact
                #expect(difference <= Decimal(5) / 1000 && difference >= Decimal(-5) / 1000, "seed \(seed)")
            }
        } else {
            #expect(result.status == .error, "seed \(seed)")
            #expect(result.total == nil, "seed \(seed)")
            #expect(
                Set(result.errors)
                    == Set(unpriced.map { "sell offer \($0) has no price for quantity \(request.sellOfferQuantities[$0]!)" }),
                "seed \(seed): \(result.errors)")
        }

        // Same inputs, same id, whatever order the map was built in.
        var rng = SeededGenerator(seed: UInt64(seed) &+ 1_000)
        var rebuilt: [String: Int] = [:]
        for (id, quantity) in request.sellOfferQuantities.shuffled(using: &rng) { rebuilt[id] = quantity }
        let again = OrderPriceRequest(
            sellOfferQuantities: rebuilt, deliverToLocationID: "L", deliveryMethodID: "DM", paymentMethodID: "PM")
        #expect(again.canonicalJSON == request.canonicalJSON, "seed \(seed)")  // the same order_price_id
        #expect(OrderPricer.price(again, catalog: catalog) == result, "seed \(seed)")
        // A different quantity is a different row.
        var changed = request.sellOfferQuantities
        changed[changed.keys.sorted().first!]! += 1
        let other = OrderPriceRequest(
            sellOfferQuantities: changed, deliverToLocationID: "L", deliveryMethodID: "DM", paymentMethodID: "PM")
        #expect(other.canonicalJSON != request.canonicalJSON, "seed \(seed)")
    }
}
