import Foundation

@testable import SellOffers

/// The design doc's example data as a pure catalog (the database tests seed
/// the same rows with SQL, see `ExampleData`).
enum ExampleCatalog {
    static func d(_ text: String) -> Decimal { Money.parse(text)! }

    static var catalog: PricingCatalog {
        var catalog = PricingCatalog()
        for currency in [
            Currency(code: "THB", minorUnit: 2), Currency(code: "USD", minorUnit: 2),
            Currency(code: "EUR", minorUnit: 2), Currency(code: "JPY", minorUnit: 0),
        ] {
            catalog.add(currency)
        }
        catalog.add(SellOfferRecord(id: "SO-A", planID: "P1", currency: "THB"))
        catalog.add(SellOfferRecord(id: "SO-B", planID: "P1", currency: "THB"))
        catalog.add(PriceTier(sellOfferID: "SO-A", basis: .sellOfferQty, upToQuantity: 9, unitPrice: d("100.00")))
        catalog.add(PriceTier(sellOfferID: "SO-A", basis: .sellOfferQty, upToQuantity: nil, unitPrice: d("90.00")))
        catalog.add(PriceTier(sellOfferID: "SO-A", basis: .orderQty, upToQuantity: nil, unitPrice: d("95.00")))
        catalog.add(PriceTier(sellOfferID: "SO-B", basis: .sellOfferQty, upToQuantity: nil, unitPrice: d("50.00")))
        catalog.add(
            DeliveryLink(
                planID: "P1", deliveryMethodID: "DM-1", currency: "THB",
                rates: ["BKK": DeliveryRate(perOrder: d("40.00"), perUnit: d("5.00"))]))
        catalog.add(
            PaymentLink(
                planID: "P1", paymentMethodID: "PM-1", currency: "THB", oneTimeAmount: d("10.00"), oneTimePercentage: d("3")))
        catalog.add(PaymentLink(planID: "P1", paymentMethodID: "PM-2", currency: "USD", oneTimeAmount: d("1.00")))
        catalog.add(PaymentLink(planID: "P1", paymentMethodID: "PM-3", currency: "USD", oneTimePercentage: d("2")))
        return catalog
    }

    static func request(
        _ quantities: [String: Int], _ location: String = "BKK", _ delivery: String = "DM-1",
        _ payment: String = "PM-1"
    ) -> OrderPriceRequest {
        OrderPriceRequest(
            sellOfferQuantities: quantities, deliverToLocationID: location, deliveryMethodID: delivery, paymentMethodID: payment)
    }
}
