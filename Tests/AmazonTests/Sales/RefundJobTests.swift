import Amazon
import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// Issue 11, Done-when 4 (and 6 for the refund feed): `amazon.refund` in a
/// real worker against the simulator. The ERP's INSERT queues the job; the
/// tests shorten its polls before the worker starts.
@Suite(.serialized) struct RefundJobTests {
    /// Inserts a refund of `order`'s first item; returns its row id and queued job.
    func insertRefund(
        _ h: SalesHarness, order: (amazonID: String, rowID: Int64, itemIDs: [String], buyer: String), refundID: String,
        components: String, merchantItemID: String = "RF-LINE-1"
    ) async throws -> (row: Int64, job: Int64) {
        let lines =
            #"[{"order_item_id": "\#(order.itemIDs[0])", "merchant_adjustment_item_id": \#(Self.json(merchantItemID)), "quantity": 1, "components": \#(components)}]"#
        let row = try await h.pool.query(
            """
            INSERT INTO amazon_adjustment (order_id, erp_refund_id, reason, lines, currency)
            VALUES ($1, $2, 'CustomerReturn', $3::jsonb, 'USD') RETURNING id
            """, [order.rowID, refundID, PostgresJSON(text: lines)]
        ).first!.decode(Int64.self, "id")
        let job = try #require(try await h.queuedJob(RefundJob.jobType, "adjustment_id", row), "the insert queued the refund")
        try await h.pool.execute(
            """
            UPDATE marketplace_job SET payload = payload || '{"first_poll_seconds": 0.05, "poll_seconds": 0.05}' WHERE id = $1
            """, [job])
        return (row, job)
    }

    static func json(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]), as: UTF8.self)
            .dropFirst().dropLast().description
    }

    func adjustmentFeeds(_ h: SalesHarness) async -> [AmazonSimulatedFeed] {
        await h.sim.feeds().filter { $0.feedType == "POST_PAYMENT_ADJUSTMENT_DATA" }
    }

    @Test func aRefundWhoseNetIsAChargeIsRefusedBeforeSending() async throws {
        let h = try await SalesHarness.start("refcharge")
        try await withTeardown(await h.finish()) { () async throws in
            let order = try await h.order()
            let refund = try await insertRefund(
                h, order: order, refundID: "RF-CHARGE",
                components: #"[{"type": "Principal", "amount": "5.00"}, {"type": "RestockingFee", "amount": -10.00}]"#)
            h.startWorker()
            #expect(try await h.wait(job: refund.job))
            let outcome = try await h.job(refund.job)
            #expect(outcome.state == "failed" && outcome.attempts == 1, "\(outcome)")
            #expect(
                outcome.error?.contains("net is a charge of 5 USD") == true
                    || outcome.error?.contains("net is a charge of 5.00 USD") == true, "\(outcome.error ?? "nil")")
            #expect(outcome.error?.contains("RF-CHARGE") == true)
            let row = try #require(
                try await h.row(
                    "SELECT status, message, net_amount::text AS net, feed_id FROM amazon_adjustment WHERE id = $1", [refund.row])
            )
            #expect(row["status"] == "Failure" && row["net"] == "-5.00" && row["feed_id"] == nil)
            #expect(row["message"]?.contains("must be a credit") == true)
            let stats = await h.sim.stats()
            #expect(stats.operations["createFeedDocument"] == nil && stats.operations["createFeed"] == nil, "nothing was sent")

            // The ERP corrects it: the row is New again and the corrected refund goes out once.
            // One transaction, so the worker sees the new job only with its short polls.
            let again = try await h.pool.transaction { connection in
                try await connection.execute(
                    """
                    UPDATE amazon_adjustment SET lines = jsonb_set(lines, '{0,components}', '[{"type": "Principal", "amount": "15.00"}, {"type": "RestockingFee", "amount": "-10.00"}]')
                     WHERE id = $1
                    """, [refund.row])
                let id = try await connection.query(
                    "SELECT id FROM marketplace_job WHERE job_type = $1 AND id <> $2", [RefundJob.jobType, refund.job]
                ).first!.decode(Int64.self, "id")
                try await connection.execute(
                    "UPDATE marketplace_job SET payload = payload || '{\"first_poll_seconds\": 0.05, \"poll_seconds\": 0.05}' WHERE id = $1",
                    [id])
                return id
            }
            #expect(try await h.wait(job: again))
            #expect(try await h.job(again).state == "done")
            #expect(try await h.row("SELECT status FROM amazon_adjustment WHERE id = $1", [refund.row])?["status"] == "Success")
            #expect(await h.sim.adjustments().map(\.net) == [Decimal(5)])
        }
    }

    /// Sent once even though the job is retried after the feed was created
    /// (getFeed fails with a 500 after the submission), run again once done,
    /// and queued a second time by hand.
    @Test func aValidRefundIsSentOnceEvenWhenItsJobIsRetriedAfterTheFeedWasCreated() async throws {
        let h = try await SalesHarness.start("refonce")
        try await withTeardown(await h.finish()) { () async throws in
            let order = try await h.order()
            await h.sim.setPollsPerStage(1)
            // createFeedDocument and createFeed pass; the first getFeed gets a 500, so attempt 1 fails after the feed exists.
            await h.sim.setFaults(AmazonFaults(afterRequests: 2, internalErrors: 1))
            let tricky = #"RF<1>&"q'"#
            let refund = try await insertRefund(
                h, order: order, refundID: "RF-ONCE",
                components: #"[{"type": "Principal", "amount": "20.00"}, {"type": "Shipping", "amount": 4.99}]"#,
                merchantItemID: tricky)
            h.startWorker()
            #expect(try await h.wait(job: refund.job))
            let outcome = try await h.job(refund.job)
            #expect(outcome.state == "done", "\(outcome)")
            #expect(outcome.attempts >= 2 && outcome.kinds.contains("retry"), "an attempt failed after createFeed: \(outcome)")
            #expect(outcome.kinds.contains("snooze"), "the polls deferred the job")
            let row = try #require(
                try await h.row(
                    """
                    SELECT a.status, a.net_amount::text AS net, a.message_id, f.feed_type, f.processing_status, f.amazon_feed_id
                      FROM amazon_adjustment a JOIN amazon_feed f ON f.id = a.feed_id WHERE a.id = $1
                    """, [refund.row]))
            #expect(row["status"] == "Success" && row["net"] == "24.99" && row["message_id"] == "1")
            #expect(row["feed_type"] == "POST_PAYMENT_ADJUSTMENT_DATA" && row["processing_status"] == "DONE")
            #expect(await adjustmentFeeds(h).map(\.feedID) == [row["amazon_feed_id"]!], "one feed")
            let accepted = await h.sim.adjustments()
            #expect(accepted.count == 1)
            #expect(accepted.first?.merchantAdjustmentItemIDs == [tricky], "the id holding < & and quotes arrived intact")
            #expect(accepted.first?.net == Decimal(string: "24.99"))
            #expect(accepted.first?.orderID == order.amazonID)

            // Run again once done, and queued again by hand: nothing is submitted.
            try await h.pool.execute("SELECT marketplace_job_run_now($1, again => true)", [refund.job])
            let manual = try await h.pool.query(
                "SELECT marketplace_enqueue('amazon.refund', jsonb_build_object('adjustment_id', $1::bigint), account_id => $2) AS id",
                [refund.row, h.account]
            ).first!.decode(Int64.self, "id")
            #expect(try await h.wait(job: manual))
            #expect(try await h.wait(job: refund.job))
            #expect(try await h.job(manual).state == "done")
            #expect(await h.sim.stats().operations["createFeed"] == 1)
            #expect(await adjustmentFeeds(h).count == 1)
            try await h.expectNoSecrets(buyers: [order.buyer])
        }
    }

    /// createFeed is carried out but answered after the timeout: the outcome
    /// is unknown, so the refund goes to a person (Review, a notification) and
    /// is never submitted again, whatever reruns the job.
    @Test func anUnansweredSubmissionGoesToAPersonAndIsNeverResubmitted() async throws {
        let h = try await SalesHarness.start("refunknown", requestTimeoutSeconds: 2)
        try await withTeardown(await h.finish()) { () async throws in
            let order = try await h.order()
            await h.sim.setFaults(AmazonFaults(slowResponses: 1, slowOperation: "createFeed", slowMilliseconds: 6_000))
            let refund = try await insertRefund(
                h, order: order, refundID: "RF-UNKNOWN", components: #"[{"type": "Principal", "amount": "12.50"}]"#)
            h.startWorker()
            #expect(try await h.wait(job: refund.job))
            let outcome = try await h.job(refund.job)
            // One attempt, unless a loaded machine timed out an earlier call too (safe: no feed existed then).
            #expect(outcome.state == "failed", "\(outcome)")
            #expect(outcome.error?.contains("not resubmitted") == true, "\(outcome.error ?? "nil")")
            let row = try #require(
                try await h.row("SELECT status, message, feed_id FROM amazon_adjustment WHERE id = $1", [refund.row]))
            #expect(row["status"] == "Review" && row["feed_id"] != nil)
            #expect(row["message"]?.contains("Seller Central") == true)
            let notice = try #require(
                try await h.row("SELECT job_type, message FROM marketplace_notification WHERE job_id = $1", [refund.job]))
            #expect(notice["job_type"] == "amazon.refund" && notice["message"]?.contains("RF-UNKNOWN") == true)
            #expect(await adjustmentFeeds(h).count == 1, "Amazon did create the feed")

            try await h.pool.execute("SELECT marketplace_job_run_now($1)", [refund.job])
            #expect(try await h.wait(job: refund.job, for: ["done"]))
            #expect(try await h.job(refund.job).result?.contains("nothing to do") == true)
            #expect(await h.sim.stats().operations["createFeed"] == 1, "never submitted again")
            try await h.expectNoSecrets(buyers: [order.buyer])
        }
    }

    /// A run that died between recording the feed and createFeed's answer left
    /// the row Sending: the next run hands it to a person, sending nothing.
    @Test func aSendingRowFoundByALaterRunGoesToAPerson() async throws {
        let h = try await SalesHarness.start("refsending")
        try await withTeardown(await h.finish()) { () async throws in
            let order = try await h.order()
            let refund = try await insertRefund(
                h, order: order, refundID: "RF-SENDING", components: #"[{"type": "Principal", "amount": "1.00"}]"#)
            try await h.pool.execute(
                """
                WITH feed AS (INSERT INTO amazon_feed (account_id, message_count, feed_type) VALUES ($2, 1, 'POST_PAYMENT_ADJUSTMENT_DATA') RETURNING id)
                UPDATE amazon_adjustment SET status = 'Sending', feed_id = (SELECT id FROM feed) WHERE id = $1
                """, [refund.row, h.account])
            h.startWorker()
            #expect(try await h.wait(job: refund.job))
            #expect(try await h.job(refund.job).state == "failed")
            #expect(try await h.row("SELECT status FROM amazon_adjustment WHERE id = $1", [refund.row])?["status"] == "Review")
            #expect(await h.sim.stats().operations["createFeed"] == nil)
        }
    }
}
