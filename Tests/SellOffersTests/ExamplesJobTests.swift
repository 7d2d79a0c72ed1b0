import Foundation
import Postgres
import SellOffers
import TestSupport
import Testing

/// E1–E6 of the design doc, each through the real job, a real worker and PostgreSQL.
@Suite(.serialized) struct ExamplesJobTests {
    typealias Result = RecalculateOrderPriceJob.Result

    func recalculate(_ harness: SellOfferHarness, _ payload: String) async throws -> Result {
        let id = try await harness.enqueue("sell_offer.recalculate", payload)
        try await harness.drain()
        return try await harness.result(Result.self, job: id)
    }

    @Test func e1() async throws {
        let harness = try await SellOfferHarness.make("e1")
        try await withTeardown(await harness.close()) { () async throws in
            let result = try await recalculate(
                harness,
                """
                {"sellOfferQuantities": {"SO-B": 8, "SO-A": 3}, "deliverToLocationId": "BKK", "deliveryMethodId": "DM-1", "paymentMethodId": "PM-1"}
                """)
            let request = OrderPriceRequest.example(["SO-A": 3, "SO-B": 8])
            // Pinned: the id the hand-written Swift SHA-256 gave before ids moved to
            // PostgreSQL's sha256(); stored rows keep their ids across the change.
            #expect(result.orderPriceId == "c235b7dcb898ddc8f7ed7c82a8d24cdb50c24576b24dea4d1591be6b3c018582")
            #expect(result.orderPriceId == (try await harness.orderPriceID(request)))
            #expect(result.status == "complete")
            #expect(result.errors == [])
            #expect(result.orderQuantity == 11)
            #expect(result.lines.map(\.sellOfferId) == ["SO-A", "SO-B"])
            #expect(result.lines.map(\.unitPrice) == ["95.00", "50.00"])
            #expect(result.lines.map(\.lineTotal) == ["285.00", "400.00"])
            #expect(result.orderSubtotal == "685.00")
            #expect(result.deliveryPrice == "95.00")
            #expect(result.paymentPrice == "33.40")
            #expect(result.total == "813.40")

            let row = try #require(try await harness.orderPrice(request))
            #expect(row["status"] == "complete")
            #expect(row["order_quantity"] == "11")
            #expect(row["order_subtotal"] == "685.00")
            #expect(row["delivery_price"] == "95.00")
            #expect(row["payment_price"] == "33.40")
            #expect(row["total"] == "813.40")
            #expect(row["currency"] == "THB")
            #expect(row["errors_found"] == "{}")
            #expect(row["ttl"] == "3600")
            #expect(row["sell_offer_quantities"] == #"{"SO-A": 3, "SO-B": 8}"#)
            #expect(
                row["sell_offer_prices"]
                    == #"{"SO-A": {"quantity": 3, "lineTotal": "285.00", "unitPrice": "95.00"}, "SO-B": {"quantity": 8, "lineTotal": "400.00", "unitPrice": "50.00"}}"#
            )
            #expect(
                request.canonicalJSON
                    == #"{"deliverToLocationId":"BKK","deliveryMethodId":"DM-1","orderQuantity":11,"paymentMethodId":"PM-1","sellOfferQuantities":{"SO-A":3,"SO-B":8}}"#
            )
        }
    }

    @Test func e2() async throws {
        let harness = try await SellOfferHarness.make("e2")
        try await withTeardown(await harness.close()) { () async throws in
            let result = try await recalculate(
                harness,
                """
                {"sellOfferQuantities": {"SO-A": 3, "SO-B": 8}, "deliverToLocationId": "CNX", "deliveryMethodId": "DM-1", "paymentMethodId": "PM-1"}
                """)
            #expect(result.status == "error")
            #expect(result.errors == ["delivery method DM-1 has no rate for location CNX (plan P1)"])
            #expect(result.total == nil && result.lines.isEmpty)
            let row = try #require(try await harness.orderPrice(OrderPriceRequest.example(["SO-A": 3, "SO-B": 8], "CNX")))
            #expect(row["status"] == "error")
            #expect(row["errors_found"] == #"{"delivery method DM-1 has no rate for location CNX (plan P1)"}"#)
            #expect(
                row["total"] == nil && row["order_subtotal"] == nil && row["delivery_price"] == nil
                    && row["payment_price"] == nil && row["sell_offer_prices"] == nil)
        }
    }

    @Test func e3() async throws {
        let harness = try await SellOfferHarness.make("e3")
        try await withTeardown(await harness.close()) { () async throws in
            let result = try await recalculate(
                harness,
                """
                {"sellOfferQuantities": {"SO-A": 3, "SO-B": 8}, "deliverToLocationId": "BKK", "deliveryMethodId": "DM-1", "paymentMethodId": "PM-2"}
                """)
            #expect(result.status == "error")
            #expect(result.errors == ["payment method PM-2 charges a one-time amount in USD but the order is in THB"])
            let row = try #require(
                try await harness.orderPrice(OrderPriceRequest.example(["SO-A": 3, "SO-B": 8], "BKK", "DM-1", "PM-2")))
            #expect(row["status"] == "error" && row["total"] == nil)
            #expect(row["errors_found"] == #"{"payment method PM-2 charges a one-time amount in USD but the order is in THB"}"#)
        }
    }

    @Test func e4() async throws {
        let harness = try await SellOfferHarness.make("e4")
        try await withTeardown(await harness.close()) { () async throws in
            let result = try await recalculate(
                harness,
                """
                {"sellOfferQuantities": {"SO-A": 3, "SO-B": 8}, "deliverToLocationId": "BKK", "deliveryMethodId": "DM-1", "paymentMethodId": "PM-3"}
                """)
            #expect(result.status == "complete")
            #expect(result.orderSubtotal == "685.00" && result.deliveryPrice == "95.00")
            #expect(result.paymentPrice == "15.60")
            #expect(result.total == "795.60")
            let row = try #require(try await harness.orderPrice(result.orderPriceId))
            #expect(row["payment_price"] == "15.60" && row["total"] == "795.60")
        }
    }

    @Test func e5() async throws {
        let harness = try await SellOfferHarness.make("e5")
        try await withTeardown(await harness.close()) { () async throws in
            let result = try await recalculate(
                harness,
                """
                {"sellOfferQuantities": {"SO-A": 12}, "deliverToLocationId": "BKK", "deliveryMethodId": "DM-1", "paymentMethodId": "PM-1"}
                """)
            #expect(result.lines.map(\.unitPrice) == ["90.00"])
            #expect(result.lines.map(\.basis) == ["sellOfferQty"])
            #expect(result.orderSubtotal == "1080.00")
            #expect(result.deliveryPrice == "100.00")
            #expect(result.paymentPrice == "45.40")
            #expect(result.total == "1225.40")
            let row = try #require(try await harness.orderPrice(result.orderPriceId))
            #expect(row["total"] == "1225.40" && row["status"] == "complete")
        }
    }

    @Test func e6() async throws {
        let harness = try await SellOfferHarness.make("e6")
        try await withTeardown(await harness.close()) { () async throws in
            let id = try await harness.enqueue(
                "sell_offer.aggregate",
                """
                {"sellOfferId": "SO-A", "orderQuantity": 3, "deliverToLocationIds": ["BKK", "CNX"],
                 "deliveryMethodIds": ["DM-1"], "paymentMethodIds": ["PM-1", "PM-3"], "excludeEmpty": true}
                """)
            try await harness.drain()
            let result = try await harness.result(AggregateOrderPricesJob.Result.self, job: id)
            #expect(result.min == "346.80")
            #expect(result.max == "360.20")
            #expect(result.average == "353.50")
            #expect(result.completeCount == 2)
            #expect(result.excludedCount == 2)
            #expect(result.currency == "THB")
            let totals = Dictionary(
                uniqueKeysWithValues: result.combinations.map { ("\($0.deliverToLocationId) \($0.paymentMethodId)", $0) })
            #expect(totals["BKK PM-1"]?.total == "360.20")
            #expect(totals["BKK PM-3"]?.total == "346.80")
            #expect(totals["CNX PM-1"]?.errors == ["delivery method DM-1 has no rate for location CNX (plan P1)"])
            #expect(totals["CNX PM-3"]?.status == "error")

            // Every combination is stored, errors included.
            let bkk1 = try #require(try await harness.orderPrice(OrderPriceRequest.example(["SO-A": 3], "BKK", "DM-1", "PM-1")))
            #expect(bkk1["order_subtotal"] == "285.00" && bkk1["delivery_price"] == "55.00" && bkk1["payment_price"] == "20.20")
            let bkk3 = try #require(try await harness.orderPrice(OrderPriceRequest.example(["SO-A": 3], "BKK", "DM-1", "PM-3")))
            #expect(bkk3["payment_price"] == "6.80" && bkk3["total"] == "346.80")
            let cnx = try #require(try await harness.orderPrice(OrderPriceRequest.example(["SO-A": 3], "CNX", "DM-1", "PM-1")))
            #expect(cnx["status"] == "error")

            let stored = try #require(
                try await harness.pool.query(
                    """
                    SELECT min_total::text AS min, max_total::text AS max, average_total::text AS average, complete_count, excluded_count,
                           cardinality(order_price_ids) AS combinations
                      FROM sell_offer_price_aggregate WHERE sell_offer_id = 'SO-A' AND order_quantity = 3
                    """
                ).first)
            #expect(stored["min"] == "346.80" && stored["max"] == "360.20" && stored["average"] == "353.50")
            #expect(stored["complete_count"] == "2" && stored["excluded_count"] == "2" && stored["combinations"] == "4")
        }
    }
}
