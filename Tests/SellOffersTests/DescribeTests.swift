import Foundation
import Testing

@testable import SellOffers

struct DescribeTests {
    func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    @Test func recalculationResultPrintsThePricedLines() throws {
        let result = RecalculateOrderPriceJob.Result(
            orderPriceId: "ab12", status: "complete", currency: "THB", orderQuantity: 11,
            orderSubtotal: "685.00", deliveryPrice: "95.00", paymentPrice: "33.40", total: "813.40", errors: [],
            lines: [
                .init(sellOfferId: "SO-A", quantity: 3, unitPrice: "95.00", lineTotal: "285.00", basis: "orderQty"),
                .init(sellOfferId: "SO-B1", quantity: 8, unitPrice: "50.00", lineTotal: "400.00", basis: "sellOfferQty"),
            ],
            calculatedAt: Date(timeIntervalSince1970: 1_767_261_600), expiresAt: Date(timeIntervalSince1970: 1_767_265_200))
        let text = RecalculateOrderPriceJob.describe(result: try encode(result))
        #expect(
            text == """
                order price ab12 (complete, THB)
                  quantity 11
                  SO-A   3 × 95.00 = 285.00  (orderQty tier)
                  SO-B1  8 × 50.00 = 400.00  (sellOfferQty tier)
                  subtotal  685.00
                  delivery   95.00
                  payment    33.40
                  total     813.40
                  calculated 2026-01-01T10:00:00Z, expires 2026-01-01T11:00:00Z
                """)
    }

    @Test func errorResultPrintsTheErrors() throws {
        let result = RecalculateOrderPriceJob.Result(
            orderPriceId: "cd34", status: "error", currency: "THB", orderQuantity: 11, orderSubtotal: nil, deliveryPrice: nil,
            paymentPrice: nil, total: nil, errors: ["delivery method DM-1 has no rate for location CNX (plan P1)"], lines: [],
            calculatedAt: Date(timeIntervalSince1970: 1_767_261_600), expiresAt: Date(timeIntervalSince1970: 1_767_265_200))
        #expect(
            RecalculateOrderPriceJob.describe(result: try encode(result)) == """
                order price cd34 (error, THB)
                  quantity 11
                  error: delivery method DM-1 has no rate for location CNX (plan P1)
                  calculated 2026-01-01T10:00:00Z, expires 2026-01-01T11:00:00Z
                """)
    }

    @Test func notAResultFallsBackToJSON() {
        #expect(RecalculateOrderPriceJob.describe(result: Data("{}".utf8)) == nil)
    }
}
