import Foundation
import JobQueue
import Postgres
import SellOffers
import TestSupport
import Testing

/// `sell_offer.recalculate` as a batch handler, called the way the worker
/// calls it (`AnyJobHandler.runBatch` with real contexts) against PostgreSQL.
@Suite(.serialized) struct BatchRecalculationTests {
    typealias Outcome = Swift.Result<RecalculateOrderPriceJob.Result, JobError>

    static func payload(
        _ quantities: [String: Int], _ location: String = "BKK", _ payment: String = "PM-1",
        reason: String? = nil
    ) -> String {
        var json = OrderPriceRequest.example(quantities, location, "DM-1", payment).payloadJSON
        if let reason { json = String(json.dropLast()) + #","reason":"\#(reason)"}"# }
        return json
    }

    /// The design doc's rules for {SO-A: a, SO-B: b} at BKK over DM-1, worked
    /// in whole satang with integer arithmetic only (independent of `Decimal`
    /// and of the pricer): SO-A costs min(100.00 up to 9 / 90.00 beyond, 95.00
    /// on the order quantity), SO-B 50.00, delivery 40.00 + 5.00 per unit,
    /// PM-1 10.00 + 3 %, PM-3 2 %, each percentage rounded half away from zero.
    static func expectedTotal(a: Int, b: Int, payment: String) -> String {
        let unitA = min(a <= 9 ? 10_000 : 9_000, 9_500)
        let base = unitA * a + 5_000 * b + 4_000 + 500 * (a + b)
        let charge = payment == "PM-1" ? 1_000 + (3 * base + 50) / 100 : (2 * base + 50) / 100
        let total = base + charge
        return "\(total / 100)." + String(format: "%02d", total % 100)
    }

    /// Through a real worker: 100 queued recalculations (99 valid, 1 with a
    /// quantity of 0) are claimed together and run as one handler call: the 99
    /// rows come from one transaction (one `calculated_at`), each total is
    /// right, and only the invalid job fails.
    @Test func aHundredQueuedRecalculationsRunAsOneCall() async throws {
        let harness = try await SellOfferHarness.make("batchworker")
        try await withTeardown(await harness.close()) { () async throws in
            var cases: [(a: Int, b: Int, payment: String)] = []
            for a in [1, 3, 9, 10, 12] { for b in 1...10 { for payment in ["PM-1", "PM-3"] { cases.append((a, b, payment)) } } }
            cases.removeLast()
            var jobs: [Int64] = []
            for item in cases {
                jobs.append(
                    try await harness.enqueue(
                        "sell_offer.recalculate", Self.payload(["SO-A": item.a, "SO-B": item.b], "BKK", item.payment)))
            }
            let bad = try await harness.enqueue("sell_offer.recalculate", Self.payload(["SO-A": 0]))
            // No claim-ahead: one claim of 100 fills the slots, so the 100 jobs reach
            // the worker together (with a buffer, two claims on two lanes can split
            // them into two batches, as the engine's BatchTests also note).
            try await harness.drain(concurrency: 100, prefetch: 0)

            let badJob = try await harness.job(bad)
            #expect(badJob.state == "failed")
            #expect(badJob.error?.contains("sellOfferQuantities.SO-A: quantity must be a positive whole number, got 0") == true)
            for id in jobs { #expect(try await harness.job(id).state == "done") }
            let ids = try await harness.orderPriceIDs(
                cases.map { .example(["SO-A": $0.a, "SO-B": $0.b], "BKK", "DM-1", $0.payment) })
            for (index, item) in cases.enumerated() {
                let row = try #require(try await harness.orderPrice(ids[index]))
                #expect(row["total"] == Self.expectedTotal(a: item.a, b: item.b, payment: item.payment))
            }
            let written = try #require(
                try await harness.pool.query(
                    "SELECT count(*) AS rows, count(DISTINCT calculated_at) AS transactions FROM order_price"
                ).first)
            #expect(written["rows"] == "99")
            #expect(written["transactions"] == "1", "the 99 rows were written by \(written["transactions"] ?? "?") transactions")
        }
    }

    /// A batch of 100 gives 100 correct rows, written by one statement (one
    /// transaction: every row has the same calculated_at), with the handler's
    /// TTL, their offer links, and a result per job.
    @Test func aHundredRecalculationsInOneBatch() async throws {
        let harness = try await SellOfferHarness.make("batch100")
        try await withTeardown(await harness.close()) { () async throws in
            var registry = HandlerRegistry()
            registry.register(RecalculateOrderPriceJob(service: OrderPriceService(ttlSeconds: 120)))
            let handler = try SellOfferHarness.recalculateHandler(registry)
            #expect(handler.isBatch && handler.maxBatchSize == 100)

            var cases: [(a: Int, b: Int, payment: String)] = []
            for a in [1, 3, 9, 10, 12] { for b in 1...10 { for payment in ["PM-1", "PM-3"] { cases.append((a, b, payment)) } } }
            #expect(cases.count == 100)
            let outcomes = try await harness.runBatch(
                cases.map { Self.payload(["SO-A": $0.a, "SO-B": $0.b], "BKK", $0.payment) },
                handler: handler)
            #expect(outcomes.count == 100)
            let ids = try await harness.orderPriceIDs(
                cases.map { .example(["SO-A": $0.a, "SO-B": $0.b], "BKK", "DM-1", $0.payment) })
            for (index, item) in cases.enumerated() {
                let expected = Self.expectedTotal(a: item.a, b: item.b, payment: item.payment)
                let result = try outcomes[index].get()
                #expect(result.orderPriceId == ids[index])
                #expect(
                    result.status == "complete" && result.total == expected,
                    "\(item): \(result.total ?? "nil"), expected \(expected)")
                #expect(result.expiresAt.timeIntervalSince(result.calculatedAt) == 120)
            }
            // E1 and E4 of the design doc are among them.
            #expect(try outcomes[cases.firstIndex { $0 == (3, 8, "PM-1") }!].get().total == "813.40")
            #expect(try outcomes[cases.firstIndex { $0 == (3, 8, "PM-3") }!].get().total == "795.60")

            let rows = try await harness.pool.query(
                """
                SELECT order_price_id, total::text AS total, status, extract(epoch FROM expires_at - calculated_at)::integer AS ttl
                  FROM order_price
                """
            ).rows
            #expect(rows.count == 100)
            let totals = Dictionary(uniqueKeysWithValues: rows.map { ($0["order_price_id"] ?? "", $0["total"] ?? "") })
            for (index, item) in cases.enumerated() {
                #expect(totals[ids[index]] == Self.expectedTotal(a: item.a, b: item.b, payment: item.payment))
            }
            #expect(rows.allSatisfy { $0["status"] == "complete" && $0["ttl"] == "120" })
            let shape = try #require(
                try await harness.pool.query(
                    """
                    SELECT (SELECT count(DISTINCT calculated_at) FROM order_price) AS stamps,
                           (SELECT count(*) FROM order_price_sell_offer) AS links
                    """
                ).first)
            #expect(shape["stamps"] == "1" && shape["links"] == "200")
        }
    }

    /// The batch path and the worker's one-job-at-a-time path write the same
    /// rows for the same 35 mixed requests (complete, error, unknown offer).
    @Test func batchAndSingleJobsWriteTheSameRows() async throws {
        let batched = try await SellOfferHarness.make("batchsame")
        let single = try await SellOfferHarness.make("singlesame")
        try await withTeardown(await (batched.close(), single.close())) { () async throws in
            var payloads: [String] = []
            for a in [1, 9, 10, 12, 40] {
                for location in ["BKK", "CNX"] {
                    for payment in ["PM-1", "PM-2", "PM-3"] {
                        payloads.append(Self.payload(["SO-A": a, "SO-B": 2], location, payment))
                    }
                }
                payloads.append(Self.payload(["SO-A": a, "SO-Z": 1], reason: "catalog change"))
            }
            _ = try await batched.runBatch(payloads)
            for payload in payloads { try await single.enqueue("sell_offer.recalculate", payload) }
            try await single.drain()
            let query = """
                SELECT order_price_id, sell_offer_quantities::text, deliver_to_location_id, delivery_method_id, payment_method_id,
                       order_quantity, order_subtotal::text, sell_offer_prices::text, delivery_price::text, payment_price::text,
                       total::text, currency, status, errors_found::text, extract(epoch FROM expires_at - calculated_at)::integer
                  FROM order_price ORDER BY order_price_id
                """
            let batchedRows = try await batched.pool.query(query).rows.map(\.cells)
            let singleRows = try await single.pool.query(query).rows.map(\.cells)
            #expect(batchedRows.count == payloads.count)
            #expect(batchedRows == singleRows)
            let links = "SELECT sell_offer_id, order_price_id FROM order_price_sell_offer ORDER BY 1, 2"
            #expect(
                try await batched.pool.query(links).rows.map(\.cells) == (try await single.pool.query(links).rows.map(\.cells)))
        }
    }

    /// Every job gets its own outcome: a payload that does not decode and one
    /// that decodes but is invalid fail permanently on their own; an unknown
    /// offer fails its job (row stored) unless the database queued it; the
    /// rest of the batch is priced and stored.
    @Test func badJobsFailAloneInsideABatch() async throws {
        let harness = try await SellOfferHarness.make("batchbad")
        try await withTeardown(await harness.close()) { () async throws in
            let payloads = [
                Self.payload(["SO-A": 3, "SO-B": 8]),
                #"{"sellOfferQuantities": {"SO-A": 0}, "deliverToLocationId": "BKK", "deliveryMethodId": "DM-1", "paymentMethodId": "PM-1"}"#,
                #"{"sellOfferQuantities": "#,
                Self.payload(["SO-A": 3, "SO-X": 1]),
                Self.payload(["SO-A": 3, "SO-Y": 1], reason: "catalog change"),
                Self.payload(["SO-A": 3, "SO-B": 8], "CNX"),
                Self.payload(["SO-A": 12]),
            ]
            let outcomes = try await harness.runBatch(payloads)
            #expect(outcomes.count == payloads.count)
            #expect(try outcomes[0].get().total == "813.40")
            guard case .failure(.permanent(let invalid)) = outcomes[1] else { Issue.record("job 2: \(outcomes[1])"); return }
            #expect(
                invalid
                    == "invalid sell_offer.recalculate payload: sellOfferQuantities.SO-A: quantity must be a positive whole number, got 0"
            )
            guard case .failure(.permanent(let undecodable)) = outcomes[2] else { Issue.record("job 3: \(outcomes[2])"); return }
            #expect(undecodable.hasPrefix("invalid payload for sell_offer.recalculate: "), "\(undecodable)")
            guard case .failure(.permanent(let unknown)) = outcomes[3] else { Issue.record("job 4: \(outcomes[3])"); return }
            #expect(unknown.hasPrefix("sellOfferQuantities: unknown sell offer id SO-X; order price "), "\(unknown)")
            let repriced = try outcomes[4].get()
            #expect(repriced.status == "error" && repriced.errors == ["sell offer SO-Y does not exist"])
            let e2 = try outcomes[5].get()
            #expect(e2.status == "error" && e2.errors == ["delivery method DM-1 has no rate for location CNX (plan P1)"])
            #expect(try outcomes[6].get().total == "1225.40")

            // Rows for the five that could be priced: the unknown-offer ones too, as errors.
            #expect(try await harness.pool.query("SELECT count(*) AS n FROM order_price").first?["n"] == "5")
            let unknownRow = try #require(try await harness.orderPrice(.example(["SO-A": 3, "SO-X": 1])))
            #expect(unknownRow["status"] == "error" && unknownRow["errors_found"] == #"{"sell offer SO-X does not exist"}"#)
            #expect(try await harness.orderPrice(.example(["SO-A": 3, "SO-B": 8], "CNX"))?["total"] == nil)
        }
    }

    /// Jobs for the same order price in one batch (a caller's and a trigger's,
    /// keys in another order) share one row, priced and written once; each job
    /// still gets the result.
    @Test func duplicateOrderPricesInOneBatch() async throws {
        let harness = try await SellOfferHarness.make("batchdup")
        try await withTeardown(await harness.close()) { () async throws in
            let outcomes = try await harness.runBatch([
                Self.payload(["SO-A": 3, "SO-B": 8]),
                #"{"paymentMethodId": "PM-1", "sellOfferQuantities": {"SO-B": 8, "SO-A": 3}, "deliveryMethodId": "DM-1", "deliverToLocationId": "BKK"}"#,
                Self.payload(["SO-A": 12]),
                Self.payload(["SO-A": 3, "SO-B": 8], reason: "catalog change"),
            ])
            let results = try outcomes.map { try $0.get() }
            #expect(results.map(\.total) == ["813.40", "813.40", "1225.40", "813.40"])
            #expect(Set([results[0], results[1], results[3]].map(\.orderPriceId)).count == 1)
            #expect(try await harness.pool.query("SELECT count(*) AS n FROM order_price").first?["n"] == "2")
            #expect(try await harness.pool.query("SELECT count(*) AS n FROM order_price_sell_offer").first?["n"] == "3")
        }
    }

    /// Concurrent batches over the same order prices, listed in opposite
    /// orders, neither deadlock nor lose a write: the locks are taken in one
    /// global order, and every row ends with the catalog's figures.
    @Test func concurrentOverlappingBatchesDoNotDeadlock() async throws {
        let harness = try await SellOfferHarness.make("batchlock")
        try await withTeardown(await harness.close()) { () async throws in
            let payloads = (1...30).map { Self.payload(["SO-A": $0, "SO-B": 1]) }
            try await withThrowingTaskGroup(of: [Outcome].self) { group in
                for round in 0..<4 {
                    group.addTask { try await harness.runBatch(round % 2 == 0 ? payloads : payloads.reversed()) }
                }
                for try await outcomes in group {
                    #expect(outcomes.count == 30)
                    #expect(outcomes.allSatisfy { (try? $0.get().status) == "complete" })
                }
            }
            let rows = try await harness.pool.query("SELECT count(*) AS n, count(DISTINCT total) AS totals FROM order_price")
                .first
            #expect(rows?["n"] == "30" && rows?["totals"] == "30")
            #expect(
                try await harness.orderPrice(.example(["SO-A": 3, "SO-B": 1]))?["total"]
                    == Self.expectedTotal(a: 3, b: 1, payment: "PM-1"))
        }
    }

    /// Aggregates follow a batch of recalculations, as they follow single ones.
    @Test func aggregatesFollowABatch() async throws {
        let harness = try await SellOfferHarness.make("batchagg")
        try await withTeardown(await harness.close()) { () async throws in
            try await harness.enqueue("sell_offer.aggregate", AggregateTests.e6)
            try await harness.drain()
            try await harness.pool.execute(
                "UPDATE sell_offer_price_tier SET unit_price = 80.00 WHERE sell_offer_id = 'SO-A' AND basis = 'orderQty'")
            let pending = try await harness.pendingJobs("sell_offer.recalculate")
            #expect(pending.count == 4)
            let outcomes = try await harness.runBatch(pending.map(\.payload))
            #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
            let row = try #require(
                try await harness.pool.query(
                    """
                    SELECT min_total::text AS min, max_total::text AS max, average_total::text AS average FROM sell_offer_price_aggregate
                    """
                ).first)
            #expect(row["min"] == "300.90" && row["max"] == "313.85" && row["average"] == "307.38")
        }
    }

    /// A batch whose database work fails throws, so the worker retries every job of it.
    @Test func aDatabaseFailureThrowsForTheWholeBatch() async throws {
        let harness = try await SellOfferHarness.make("batchfail")
        try await withTeardown(await harness.close()) { () async throws in
            try await harness.pool.execute("ALTER TABLE order_price RENAME TO order_price_gone")
            await #expect(throws: PostgresError.self) {
                _ = try await harness.runBatch([Self.payload(["SO-A": 3]), Self.payload(["SO-B": 2])])
            }
        }
    }
}
