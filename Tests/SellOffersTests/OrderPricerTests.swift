import Foundation
import Testing

@testable import SellOffers

/// The design doc's examples on the pure function. `ExamplesJobTests` runs the
/// same examples through the real job and database.
struct OrderPricerTests {
    let catalog = ExampleCatalog.catalog
    let thb = Currency(code: "THB", minorUnit: 2)

    func text(_ amount: Decimal?) -> String? { amount.map(thb.format) }

    @Test func e1() {
        let result = OrderPricer.price(ExampleCatalog.request(["SO-A": 3, "SO-B": 8]), catalog: catalog)
        #expect(result.status == .complete)
        #expect(result.orderQuantity == 11)
        #expect(result.lines.map(\.sellOfferID) == ["SO-A", "SO-B"])
        #expect(result.lines.map { thb.format($0.unitPrice) } == ["95.00", "50.00"])
        #expect(result.lines.map(\.basis) == [.orderQty, .sellOfferQty])
        #expect(result.lines.map { thb.format($0.lineTotal) } == ["285.00", "400.00"])
        #expect(text(result.subtotal) == "685.00")
        #expect(text(result.deliveryPrice) == "95.00")
        #expect(text(result.paymentPrice) == "33.40")
        #expect(text(result.total) == "813.40")
    }

    @Test func e2() {
        let result = OrderPricer.price(ExampleCatalog.request(["SO-A": 3, "SO-B": 8], "CNX"), catalog: catalog)
        #expect(result.status == .error)
        #expect(result.errors == ["delivery method DM-1 has no rate for location CNX (plan P1)"])
        #expect(result.total == nil && result.subtotal == nil && result.lines.isEmpty)
    }

    @Test func e3() {
        let result = OrderPricer.price(ExampleCatalog.request(["SO-A": 3, "SO-B": 8], "BKK", "DM-1", "PM-2"), catalog: catalog)
        #expect(result.errors == ["payment method PM-2 charges a one-time amount in USD but the order is in THB"])
    }

    @Test func e4() {
        let result = OrderPricer.price(ExampleCatalog.request(["SO-A": 3, "SO-B": 8], "BKK", "DM-1", "PM-3"), catalog: catalog)
        #expect(text(result.paymentPrice) == "15.60")
        #expect(text(result.total) == "795.60")
    }

    @Test func e5() {
        let result = OrderPricer.price(ExampleCatalog.request(["SO-A": 12]), catalog: catalog)
        #expect(result.lines.map { thb.format($0.unitPrice) } == ["90.00"])
        #expect(text(result.subtotal) == "1080.00")
        #expect(text(result.deliveryPrice) == "100.00")
        #expect(text(result.paymentPrice) == "45.40")
        #expect(text(result.total) == "1225.40")
    }

    @Test func collectsEveryError() {
        var catalog = self.catalog
        catalog.add(SellOfferRecord(id: "SO-C", planID: "P2", currency: "THB", enabled: false))
        let result = OrderPricer.price(
            ExampleCatalog.request(["SO-A": 3, "SO-C": 1, "SO-X": 2], "CNX", "DM-1", "PM-2"), catalog: catalog)
        #expect(result.status == .error)
        #expect(
            result.errors == [
                "sell offer SO-C is disabled",
                "sell offer SO-X does not exist",
                "delivery method DM-1 has no rate for location CNX (plan P1)",
                "payment method PM-2 charges a one-time amount in USD but the order is in THB",
                "plan P2 offers no delivery method DM-1",
                "plan P2 offers no payment method PM-2",
                "sell offer SO-C has no price for quantity 1",
            ])
        #expect(result.unknownSellOfferIDs == ["SO-X"])
    }

    @Test func mixedCurrenciesAreAnError() {
        var catalog = self.catalog
        catalog.add(SellOfferRecord(id: "SO-U", planID: "P1", currency: "USD"))
        let result = OrderPricer.price(ExampleCatalog.request(["SO-A": 1, "SO-U": 1]), catalog: catalog)
        #expect(result.errors.contains("sell offers do not share one currency: SO-A THB, SO-U USD"))
        #expect(result.currency == nil)
    }

    /// JPY has no minor unit: the percentage is rounded to whole yen, half away from zero.
    @Test func roundsToTheOrderCurrency() {
        var catalog = PricingCatalog()
        catalog.add(Currency(code: "JPY", minorUnit: 0))
        catalog.add(SellOfferRecord(id: "J", planID: "PJ", currency: "JPY"))
        catalog.add(PriceTier(sellOfferID: "J", basis: .sellOfferQty, upToQuantity: nil, unitPrice: Decimal(1001)))
        catalog.add(
            DeliveryLink(
                planID: "PJ", deliveryMethodID: "D", currency: "JPY", rates: ["T": DeliveryRate(perOrder: 0, perUnit: 0)]))
        catalog.add(PaymentLink(planID: "PJ", paymentMethodID: "P", currency: "JPY", oneTimePercentage: Money.parse("2.5")!))
        // 2.5 % of 1001 = 25.025 → 25; of 1020 = 25.5 → 26 (half away from zero).
        #expect(
            OrderPricer.price(
                OrderPriceRequest(
                    sellOfferQuantities: ["J": 1], deliverToLocationID: "T", deliveryMethodID: "D", paymentMethodID: "P"),
                catalog: catalog
            ).paymentPrice == Decimal(25))
        catalog.tiers["J"] = [PriceTier(sellOfferID: "J", basis: .sellOfferQty, upToQuantity: nil, unitPrice: Decimal(1020))]
        let result = OrderPricer.price(
            OrderPriceRequest(
                sellOfferQuantities: ["J": 1], deliverToLocationID: "T", deliveryMethodID: "D", paymentMethodID: "P"),
            catalog: catalog)
        #expect(result.paymentPrice == Decimal(26))
        #expect(result.total == Decimal(1046))
    }

    @Test func canonicalJSON() {
        let request = ExampleCatalog.request(["SO-B": 8, "SO-A": 3])
        #expect(
            request.canonicalJSON
                == #"{"deliverToLocationId":"BKK","deliveryMethodId":"DM-1","orderQuantity":11,"paymentMethodId":"PM-1","sellOfferQuantities":{"SO-A":3,"SO-B":8}}"#
        )
        let escaped = OrderPriceRequest(
            sellOfferQuantities: ["a\"b\\c\n": 1, "é/": 2], deliverToLocationID: "x\u{01}", deliveryMethodID: "D",
            paymentMethodID: "P")
        #expect(
            escaped.canonicalJSON
                == "{\"deliverToLocationId\":\"x\\u0001\",\"deliveryMethodId\":\"D\",\"orderQuantity\":3,\"paymentMethodId\":\"P\",\"sellOfferQuantities\":{\"a\\\"b\\\\c\\n\":1,\"é/\":2}}"
        )
    }
}
