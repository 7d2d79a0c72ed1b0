import Foundation
import Postgres
import SellOffers
import TestSupport
import Testing

@Suite(.serialized) struct PayloadAndTriggerTests {
    /// Malformed payloads fail permanently naming the field; the worker goes on
    /// and runs the good job queued after them.
    @Test func invalidPayloadsFailPermanentlyNamingTheField() async throws {
        let harness = try await SellOfferHarness.make("badpayload")
        try await withTeardown(await harness.close()) { () async throws in
            let ids = ["BKK", "DM-1", "PM-1"]
            func payload(_ quantities: String, location: String = "\"BKK\"") -> String {
                #"{"sellOfferQuantities": \#(quantities), "deliverToLocationId": \#(location), "deliveryMethodId": "\#(ids[1])", "paymentMethodId": "\#(ids[2])"}"#
            }
            let cases: [(payload: String, expected: [String])] = [
                (payload("{}"), ["sellOfferQuantities: must name at least one sell offer"]),
                (payload(#"{"SO-A": 0}"#), ["sellOfferQuantities.SO-A: quantity must be a positive whole number, got 0"]),
                (payload(#"{"SO-A": 2.5}"#), ["sellOfferQuantities.SO-A: quantity must be a positive whole number, got 2.5"]),
                (
                    payload(#"{"SO-A": -1, "SO-B": "3"}"#),
                    [
                        "sellOfferQuantities.SO-A: quantity must be a positive whole number, got -1",
                        #"sellOfferQuantities.SO-B: quantity must be a positive whole number, found a string ("3")"#,
                    ]
                ),
                (payload(#"{"SO-A": 3}"#, location: "42"), ["deliverToLocationId: expected a string id, found a number (42)"]),
                (payload("[]"), ["sellOfferQuantities: expected an object of sell offer id to quantity, found an array"]),
                (
                    #"{"sellOfferQuantities": {"SO-A": 1}}"#,
                    [
                        "deliverToLocationId: required field is missing",
                        "deliveryMethodId: required field is missing", "paymentMethodId: required field is missing",
                    ]
                ),
                ("[1]", ["payload: expected an object, found an array"]),
            ]
            var jobIDs: [Int64] = []
            for item in cases { jobIDs.append(try await harness.enqueue("sell_offer.recalculate", item.payload)) }
            let good = try await harness.enqueue("sell_offer.recalculate", payload(#"{"SO-A": 3, "SO-B": 8}"#))
            let badAggregate = try await harness.enqueue(
                "sell_offer.aggregate",
                """
                {"sellOfferId": 7, "orderQuantity": 2.5, "deliverToLocationIds": [], "deliveryMethodIds": ["DM-1"], "paymentMethodIds": "PM-1"}
                """)
            try await harness.drain()

            for (item, id) in zip(cases, jobIDs) {
                let job = try await harness.job(id)
                #expect(job.state == "failed", "\(item.payload)")
                let error = job.error ?? ""
                #expect(error.hasPrefix("invalid sell_offer.recalculate payload: "), "\(error)")
                for expected in item.expected { #expect(error.contains(expected), "\(error) should contain \(expected)") }
            }
            // Failed at once, not retried: one attempt each.
            let attempts = try await harness.pool.query(
                "SELECT max(attempts) AS most FROM marketplace_job WHERE state = 'failed'"
            ).first
            #expect(attempts?["most"] == "1")
            let aggregate = try await harness.job(badAggregate)
            #expect(aggregate.state == "failed")
            for expected in [
                "sellOfferId: expected a string id, found a number (7)",
                "orderQuantity: quantity must be a positive whole number, got 2.5",
                "deliverToLocationIds: must name at least one id",
                "paymentMethodIds: expected an array of string ids, found a string",
            ] {
                #expect(aggregate.error?.contains(expected) == true, "\(aggregate.error ?? "") should contain \(expected)")
            }
            let result = try await harness.result(RecalculateOrderPriceJob.Result.self, job: good)
            #expect(result.total == "813.40")
        }
    }

    /// An unknown sell offer fails the job permanently, naming the id; the
    /// error row is stored, and creating the offer re-prices it.
    @Test func unknownSellOfferFailsPermanentlyAndIsRepricedWhenCreated() async throws {
        let harness = try await SellOfferHarness.make("unknown")
        try await withTeardown(await harness.close()) { () async throws in
            let id = try await harness.enqueue(
                "sell_offer.recalculate",
                """
                {"sellOfferQuantities": {"SO-A": 3, "SO-X": 1}, "deliverToLocationId": "BKK", "deliveryMethodId": "DM-1", "paymentMethodId": "PM-1"}
                """)
            try await harness.drain()
            let job = try await harness.job(id)
            #expect(job.state == "failed")
            #expect(job.error?.hasPrefix("sellOfferQuantities: unknown sell offer id SO-X;") == true, "\(job.error ?? "")")
            let request = OrderPriceRequest.example(["SO-A": 3, "SO-X": 1])
            let row = try #require(try await harness.orderPrice(request))
            #expect(row["status"] == "error")
            #expect(row["errors_found"] == #"{"sell offer SO-X does not exist"}"#)

            // A catalog change re-prices the row; the offer is still unknown, which
            // the row records, but this job was not a caller's request: it succeeds.
            try await harness.pool.execute(
                "UPDATE sell_offer_price_tier SET unit_price = 94.00 WHERE sell_offer_id = 'SO-A' AND basis = 'orderQty'")
            let triggered = try await harness.pendingJobs("sell_offer.recalculate")
            #expect(triggered.count == 1 && triggered.first?.payload.contains(#""reason": "catalog change""#) == true)
            try await harness.drain()
            let repricedJob = try await harness.job(try #require(triggered.first?.id))
            #expect(repricedJob.state == "done")
            #expect(try await harness.orderPrice(request)?["errors_found"] == #"{"sell offer SO-X does not exist"}"#)

            try await harness.pool.withConnection {
                try await $0.executeScript(
                    """
                    INSERT INTO sell_offer (id, product_id, user_id, plan_id, currency) VALUES ('SO-X', 'PR-X', 'U1', 'P1', 'THB');
                    INSERT INTO sell_offer_price_tier (sell_offer_id, basis, up_to_quantity, unit_price) VALUES ('SO-X', 'sellOfferQty', NULL, 10.00);
                    """)
            }
            #expect(try await harness.pendingJobs("sell_offer.recalculate").count == 1)
            try await harness.drain()
            let repriced = try #require(try await harness.orderPrice(request))
            // SO-A 3 × 94.00 (orderQty 4) + SO-X 10.00 = 292.00; delivery 40 + 5 × 4 = 60; payment 10 + 3 % × 352 = 20.56.
            #expect(repriced["status"] == "complete")
            #expect(repriced["total"] == "372.56")
        }
    }

    /// A tier change enqueues exactly one recalculation per affected order
    /// price (not per changed row, not per statement), and the worker applies it.
    @Test func tierChangeEnqueuesOneRecalculationPerAffectedOrderPrice() async throws {
        let harness = try await SellOfferHarness.make("trigger")
        try await withTeardown(await harness.close()) { () async throws in
            let e1 = OrderPriceRequest.example(["SO-A": 3, "SO-B": 8])
            let e4 = OrderPriceRequest.example(["SO-A": 3, "SO-B": 8], "BKK", "DM-1", "PM-3")
            let e5 = OrderPriceRequest.example(["SO-A": 12])
            let onlyB = OrderPriceRequest.example(["SO-B": 2])
            for request in [e1, e4, e5, onlyB] { try await harness.enqueue("sell_offer.recalculate", request.payloadJSON) }
            try await harness.drain()
            #expect(try await harness.orderPrice(e1)?["total"] == "813.40")
            #expect(try await harness.pendingJobs("sell_offer.recalculate").isEmpty)

            // Two statements, several rows each, all on SO-A.
            try await harness.pool.execute(
                "UPDATE sell_offer_price_tier SET unit_price = 80.00 WHERE sell_offer_id = 'SO-A' AND basis = 'orderQty'")
            try await harness.pool.execute(
                "UPDATE sell_offer_price_tier SET unit_price = unit_price WHERE sell_offer_id = 'SO-A'")
            let pending = try await harness.pendingJobs("sell_offer.recalculate")
            #expect(pending.count == 3)
            #expect(
                Set(pending.compactMap(\.uniqueKey))
                    == Set(try await harness.orderPriceIDs([e1, e4, e5]).map { "sell_offer.recalculate:" + $0 }))

            try await harness.drain()
            #expect(try await harness.pendingJobs("sell_offer.recalculate").isEmpty)
            // E1 with SO-A at 80.00: 240 + 400 = 640; delivery 95; payment 10 + 3 % × 735 = 32.05.
            let e1Row = try #require(try await harness.orderPrice(e1))
            #expect(e1Row["order_subtotal"] == "640.00" && e1Row["payment_price"] == "32.05" && e1Row["total"] == "767.05")
            // E4: payment 2 % × 735 = 14.70 → 749.70. E5: min(90, 80) = 80 → 960 + 100 + 10 + 31.80 = 1101.80.
            #expect(try await harness.orderPrice(e4)?["total"] == "749.70")
            #expect(try await harness.orderPrice(e5)?["total"] == "1101.80")
            // Untouched (no SO-A): 100.00 + (40.00 + 10.00) + 10.00 + 3 % × 150.00 = 164.50.
            #expect(try await harness.orderPrice(onlyB)?["total"] == "164.50")
        }
    }

    /// Rates, links and offers trigger too, each touching only its own order prices.
    @Test func ratesLinksAndOffersTrigger() async throws {
        let harness = try await SellOfferHarness.make("trigger2")
        try await withTeardown(await harness.close()) { () async throws in
            let bkk = OrderPriceRequest.example(["SO-A": 3])
            let cnx = OrderPriceRequest.example(["SO-A": 3], "CNX")
            let pm3 = OrderPriceRequest.example(["SO-B": 1], "BKK", "DM-1", "PM-3")
            for request in [bkk, cnx, pm3] { try await harness.enqueue("sell_offer.recalculate", request.payloadJSON) }
            try await harness.drain()
            #expect(try await harness.orderPrice(cnx)?["status"] == "error")

            // A new rate for CNX touches only the CNX order price.
            try await harness.pool.execute(
                """
                INSERT INTO sell_offer_delivery_rate (delivery_link_id, deliver_to_location_id, per_order, per_unit)
                SELECT id, 'CNX', 60.00, 7.50 FROM sell_offer_delivery_link WHERE delivery_method_id = 'DM-1'
                """)
            #expect(
                try await harness.pendingJobs("sell_offer.recalculate").map(\.uniqueKey) == [
                    "sell_offer.recalculate:" + (try await harness.orderPriceID(cnx))
                ])
            try await harness.drain()
            // 285.00 + (60.00 + 22.50) + 10.00 + 3 % × 367.50 (11.025 → 11.03) = 388.53
            #expect(try await harness.orderPrice(cnx)?["total"] == "388.53")

            // A payment link change touches only prices using that method.
            try await harness.pool.execute(
                "UPDATE sell_offer_payment_link SET one_time_percentage = 4 WHERE payment_method_id = 'PM-3'")
            #expect(
                try await harness.pendingJobs("sell_offer.recalculate").map(\.uniqueKey) == [
                    "sell_offer.recalculate:" + (try await harness.orderPriceID(pm3))
                ])
            try await harness.drain()

            // Disabling SO-A touches both SO-A prices and turns them into errors.
            try await harness.pool.execute("UPDATE sell_offer SET enabled = false WHERE id = 'SO-A'")
            #expect(
                Set(try await harness.pendingJobs("sell_offer.recalculate").compactMap(\.uniqueKey))
                    == Set(try await harness.orderPriceIDs([bkk, cnx]).map { "sell_offer.recalculate:" + $0 }))
            try await harness.drain()
            let disabled = try #require(try await harness.orderPrice(bkk))
            #expect(disabled["status"] == "error" && disabled["errors_found"] == #"{"sell offer SO-A is disabled"}"#)

            // Deleting SO-A deletes its cached prices and leaves no doomed job behind.
            try await harness.pool.execute("DELETE FROM sell_offer WHERE id = 'SO-A'")
            #expect(try await harness.pendingJobs("sell_offer.recalculate").isEmpty)
            #expect(try await harness.orderPrice(bkk) == nil)
            #expect(try await harness.orderPrice(pm3) != nil)
        }
    }

    /// Expired prices are recalculated through `sell_offer.refresh_expired`.
    @Test func refreshExpiredRecalculatesExpiredPrices() async throws {
        let harness = try await SellOfferHarness.make("expiry")
        try await withTeardown(await harness.close()) { () async throws in
            let fresh = OrderPriceRequest.example(["SO-A": 3])
            let stale = OrderPriceRequest.example(["SO-B": 2])
            for request in [fresh, stale] { try await harness.enqueue("sell_offer.recalculate", request.payloadJSON) }
            try await harness.drain()
            try await harness.pool.execute(
                """
                UPDATE order_price SET expires_at = now() - interval '1 minute', calculated_at = now() - interval '61 minutes'
                 WHERE order_price_id = $1
                """, [(try await harness.orderPriceID(stale))])
            let refresh = try await harness.enqueue("sell_offer.refresh_expired", "{}")
            try await harness.drain()
            let result = try await harness.result(RefreshExpiredOrderPricesJob.Result.self, job: refresh)
            #expect(result.enqueued == 1 && result.remaining == 0)
            let expiry = try await harness.pool.query(
                """
                SELECT bool_and(expires_at > now()) AS all_fresh, count(*) AS rows FROM order_price
                """
            ).first
            #expect(expiry?["all_fresh"] == "t" && expiry?["rows"] == "2")
            let done = try await harness.pool.query(
                """
                SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'sell_offer.recalculate' AND state = 'done'
                """
            ).first
            #expect(done?["n"] == "3")
        }
    }
}
