import Foundation
import Postgres
import SellOffers
import TestSupport
import Testing

@Suite(.serialized) struct AggregateTests {
    static let e6 = """
        {"sellOfferId": "SO-A", "orderQuantity": 3, "deliverToLocationIds": ["BKK", "CNX"],
         "deliveryMethodIds": ["DM-1"], "paymentMethodIds": ["PM-1", "PM-3"]}
        """

    /// The aggregate is recomputed whenever one of its order prices is, so a
    /// tier change reaches it through the triggers alone.
    @Test func aggregateFollowsRecalculations() async throws {
        let harness = try await SellOfferHarness.make("aggfollow")
        try await withTeardown(await harness.close()) {
            try await harness.enqueue("sell_offer.aggregate", Self.e6)
            try await harness.drain()
            try await harness.pool.execute(
                "UPDATE sell_offer_price_tier SET unit_price = 80.00 WHERE sell_offer_id = 'SO-A' AND basis = 'orderQty'")
            #expect(try await harness.pendingJobs("sell_offer.recalculate").count == 4)
            try await harness.drain()
            // BKK PM-1: 240 + 55 + 10 + 8.85 = 313.85; BKK PM-3: 240 + 55 + 5.90 = 300.90;
            // average 307.375 → 307.38 (half away from zero).
            let row = try #require(
                try await harness.pool.query(
                    """
                    SELECT min_total::text AS min, max_total::text AS max, average_total::text AS average, complete_count, excluded_count
                      FROM sell_offer_price_aggregate
                    """
                ).first)
            #expect(row["min"] == "300.90" && row["max"] == "313.85" && row["average"] == "307.38")
            #expect(row["complete_count"] == "2" && row["excluded_count"] == "2")
        }
    }

    /// With excludeEmpty false an error combination leaves the figures unknown (NULL).
    @Test func excludeEmptyFalseKeepsErrorsIn() async throws {
        let harness = try await SellOfferHarness.make("aggempty")
        try await withTeardown(await harness.close()) {
            let payload = Self.e6.replacingOccurrences(of: "\"PM-3\"]}", with: "\"PM-3\"], \"excludeEmpty\": false}")
            let id = try await harness.enqueue("sell_offer.aggregate", payload)
            try await harness.drain()
            let result = try await harness.result(AggregateOrderPricesJob.Result.self, job: id)
            #expect(result.excludeEmpty == false)
            #expect(result.min == nil && result.max == nil && result.average == nil)
            #expect(result.completeCount == 2 && result.excludedCount == 0)
            #expect(result.combinations.count == 4)
            // A different request (other flag) is a different aggregate row.
            try await harness.enqueue("sell_offer.aggregate", Self.e6)
            try await harness.drain()
            let rows = try await harness.pool.query("SELECT count(*) AS n FROM sell_offer_price_aggregate").first
            #expect(rows?["n"] == "2")
        }
    }

    @Test func unknownSellOfferFailsTheAggregate() async throws {
        let harness = try await SellOfferHarness.make("aggunknown")
        try await withTeardown(await harness.close()) {
            let id = try await harness.enqueue("sell_offer.aggregate", Self.e6.replacingOccurrences(of: "SO-A", with: "SO-Z"))
            try await harness.drain()
            let job = try await harness.job(id)
            #expect(job.state == "failed")
            #expect(job.error == "sellOfferId: unknown sell offer id SO-Z")
        }
    }
}
