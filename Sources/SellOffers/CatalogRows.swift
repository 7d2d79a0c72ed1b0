import Foundation
import Postgres

/// Turns the rows of `OrderPriceRepository.loadCatalog` into a
/// `PricingCatalog`. Each row is `kind, a, b, c, d, e` in text format:
///
/// | kind | a | b | c | d | e |
/// |---|---|---|---|---|---|
/// | `c` currency | code | minor unit | | | |
/// | `o` offer | id | plan | currency | enabled | |
/// | `t` tier | offer | basis | up to (NULL = none) | unit price | |
/// | `d` delivery link | plan | method | currency | one-time amount | link id |
/// | `r` delivery rate | link id | location | per order | per unit | |
/// | `p` payment link | plan | method | currency | one-time amount | percentage |
///
/// Amounts are numeric *text*, parsed exactly by `Money.parse`. Plain columns
/// replaced a `jsonb_build_object` document that every job decoded with
/// `JSONDecoder`, and were read once per batch instead of once per job.
enum CatalogRows {
    static func decode(_ result: PostgresResult) throws -> PricingCatalog {
        var catalog = PricingCatalog()
        var links: [String: DeliveryLink] = [:]
        var rates: [(linkID: String, location: String, rate: DeliveryRate)] = []
        for row in result.rows {
            let cells = row.cells
            guard cells.count == 6, let kind = cells[0] else { throw malformed("a row without its kind") }
            func text(_ index: Int, _ what: String) throws -> String {
                guard let value = cells[index] else { throw malformed("\(what) is NULL") }
                return value
            }
            func amount(_ index: Int, _ what: String) throws -> Decimal {
                let value = try text(index, what)
                guard let amount = Money.parse(value) else { throw malformed("\(what): '\(value)' is not a decimal") }
                return amount
            }
            switch kind {
            case "c":
                guard let minorUnit = Int(try text(2, "minor_unit")), (0...6).contains(minorUnit) else {
                    throw malformed("currency \(cells[1] ?? "?"): minor unit \(cells[2] ?? "NULL")")
                }
                catalog.add(Currency(code: try text(1, "currency code"), minorUnit: minorUnit))
            case "o":
                catalog.add(
                    SellOfferRecord(
                        id: try text(1, "sell offer id"), planID: try text(2, "plan_id"),
                        currency: try text(3, "currency"), enabled: try text(4, "enabled") == "true"))
            case "t":
                // The CHECK constraint rules an unknown basis out.
                guard let basis = TierBasis(rawValue: try text(2, "basis")) else { continue }
                var bound: Int?
                if let upTo = cells[3] {
                    guard let value = Int(upTo) else { throw malformed("tier up_to_quantity: '\(upTo)'") }
                    bound = value
                }
                catalog.add(
                    PriceTier(
                        sellOfferID: try text(1, "sell_offer_id"), basis: basis, upToQuantity: bound,
                        unitPrice: try amount(4, "tier unit_price")))
            case "d":
                links[try text(5, "delivery link id")] = DeliveryLink(
                    planID: try text(1, "plan_id"), deliveryMethodID: try text(2, "delivery_method_id"),
                    currency: try text(3, "currency"), oneTimeAmount: try amount(4, "one_time_amount"))
            case "r":
                rates.append(
                    (
                        try text(1, "delivery_link_id"), try text(2, "deliver_to_location_id"),
                        DeliveryRate(perOrder: try amount(3, "per_order"), perUnit: try amount(4, "per_unit"))
                    ))
            case "p":
                catalog.add(
                    PaymentLink(
                        planID: try text(1, "plan_id"), paymentMethodID: try text(2, "payment_method_id"),
                        currency: try text(3, "currency"), oneTimeAmount: try amount(4, "one_time_amount"),
                        oneTimePercentage: try amount(5, "one_time_percentage")))
            default:
                throw malformed("unknown row kind '\(kind)'")
            }
        }
        // Rates may arrive before their link: attach them once all are read.
        for (linkID, location, rate) in rates { links[linkID]?.rates[location] = rate }
        for link in links.values { catalog.add(link) }
        return catalog
    }

    private static func malformed(_ detail: String) -> PostgresError {
        PostgresError.client(message: "sell-offer catalog: \(detail)")
    }
}
