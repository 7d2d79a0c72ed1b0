import Foundation
import JobQueue
import Postgres
import SellOffers
import TestSupport
import Testing

/// Migration 0003's sell_offer trigger cancels the pending recalculations of a
/// deleted offer's order prices; since 0004 it does so through
/// `marketplace_job_cancel`, the same function jobctl cancel uses.
@Suite struct SellOfferDeletionTests {
    @Test func deletingAnOfferCancelsItsPendingRecalculationsThroughTheQueueFunction() async throws {
        let harness = try await SellOfferHarness.make("offerdelete")
        try await withTeardown(await harness.close()) {
            let withA = OrderPriceRequest.example(["SO-A": 3, "SO-B": 8])
            let onlyB = OrderPriceRequest.example(["SO-B": 2])
            for request in [withA, onlyB] { try await harness.enqueue("sell_offer.recalculate", request.payloadJSON) }
            try await harness.drain()
            // A tier change queues a recalculation of the order price containing SO-A.
            try await harness.pool.execute(
                "UPDATE sell_offer_price_tier SET unit_price = unit_price WHERE sell_offer_id = 'SO-A'")
            let pending = try await harness.pendingJobs("sell_offer.recalculate")
            let withAID = try await harness.orderPriceID(withA)
            #expect(pending.map(\.uniqueKey) == ["sell_offer.recalculate:" + withAID])
            let queued = try #require(pending.first?.id)

            try await harness.pool.execute("DELETE FROM sell_offer WHERE id = 'SO-A'")
            let row = try #require(
                try await harness.pool.query(
                    "SELECT state, error, finished_at FROM marketplace_job WHERE id = $1", [queued]
                ).first)
            #expect(row["state"] == "cancelled")
            #expect(row["error"] == "cancelled: a sell offer of this order price was deleted, and the order price with it")
            #expect(row["finished_at"] != nil)
            #expect(try await harness.orderPrice(withAID) == nil)
            #expect(try await harness.orderPrice(onlyB) != nil)
        }
    }
}
