import Amazon
import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// Issue 11, Done-when 3: `amazon.confirm_shipment` in a real worker against
/// the simulator. The ERP's INSERT queues the job (0011's trigger).
@Suite(.serialized) struct ShipmentJobTests {
    func insertShipment(
        _ h: SalesHarness, order: Int64, picking: String, items: String, carrier: String = "UPS",
        shipDate: String = "2026-11-20T10:00:00Z"
    ) async throws -> Int64 {
        try await h.pool.query(
            """
            INSERT INTO amazon_shipment (order_id, erp_picking_id, carrier_code, shipping_method, tracking_number, ship_date, items)
            VALUES ($1, $2, $3, 'UPS Ground', '1Z999AA10123456784', $4::timestamptz, $5::jsonb) RETURNING id
            """, [order, picking, carrier, shipDate, PostgresJSON(text: items)]
        ).first!.decode(Int64.self, "id")
    }

    @Test func aShipmentIsConfirmedOnce() async throws {
        let h = try await SalesHarness.start("shipok")
        try await withTeardown(await h.finish()) { () async throws in
            let order = try await h.order(items: 2)
            let items =
                #"[{"order_item_id": "\#(order.itemIDs[0])", "quantity": 1}, {"order_item_id": "\#(order.itemIDs[1])", "quantity": 2}]"#
            let shipment = try await insertShipment(h, order: order.rowID, picking: "WH/OUT/0001", items: items)
            let job = try #require(
                try await h.queuedJob(ConfirmShipmentJob.jobType, "shipment_id", shipment), "the insert queued the job")
            h.startWorker()
            #expect(try await h.wait(job: job))
            let outcome = try await h.job(job)
            #expect(outcome.state == "done" && outcome.attempts == 1, "\(outcome)")
            let row = try #require(
                try await h.row(
                    "SELECT status, package_reference_id, attempts, message FROM amazon_shipment WHERE id = $1", [shipment]))
            #expect(
                row["status"] == "Success" && row["package_reference_id"] == "1" && row["attempts"] == "1"
                    && row["message"] == nil)
            let packages = await h.sim.packages()
            #expect(packages.count == 1)
            #expect(packages.first?.packageReferenceID == "1" && packages.first?.edits == 0)
            #expect(packages.first?.items == [order.itemIDs[0]: 1, order.itemIDs[1]: 2])
            #expect(packages.first?.trackingNumber == "1Z999AA10123456784")
            #expect(await h.sim.order(id: order.amazonID)?.status == "SHIPPED", "every unit shipped")

            // Running the job again sends nothing: the row is Success.
            try await h.pool.execute("SELECT marketplace_job_run_now($1, again => true)", [job])
            #expect(try await h.wait(job: job, for: ["done"]))
            #expect(try await eventually { try await h.job(job).result?.contains(#""already_confirmed": true"#) == true })
            #expect(await h.sim.confirmations() == 1)
            try await h.expectNoSecrets(buyers: [order.buyer])
        }
    }

    /// The first call is carried out but answered after the client's timeout;
    /// the retry sends the same packageReferenceId, so Amazon edits the package it has.
    @Test func aRetryAfterATimeoutReusesThePackageReference() async throws {
        let h = try await SalesHarness.start("shiptimeout", requestTimeoutSeconds: 2)
        try await withTeardown(await h.finish()) { () async throws in
            let order = try await h.order()
            await h.sim.setFaults(AmazonFaults(slowResponses: 1, slowOperation: "confirmShipment", slowMilliseconds: 6_000))
            let shipment = try await insertShipment(
                h, order: order.rowID, picking: "WH/OUT/0002",
                items: #"[{"order_item_id": "\#(order.itemIDs[0])", "quantity": 1}]"#)
            let job = try #require(try await h.queuedJob(ConfirmShipmentJob.jobType, "shipment_id", shipment))
            h.startWorker()
            #expect(try await h.wait(job: job))
            let outcome = try await h.job(job)
            #expect(outcome.state == "done", "\(outcome)")
            #expect(outcome.attempts >= 2 && outcome.kinds.first == "retry", "the first attempt timed out: \(outcome)")
            let row = try #require(
                try await h.row("SELECT status, package_reference_id, attempts FROM amazon_shipment WHERE id = $1", [shipment]))
            #expect(row["status"] == "Success" && row["package_reference_id"] == "1")
            #expect(try row.decode(Int.self, "attempts") == outcome.attempts, "one call per attempt, each with reference 1")
            let packages = await h.sim.packages()
            #expect(packages.count == 1, "one package, not two: \(packages)")
            #expect(packages.first?.packageReferenceID == "1")
            #expect((packages.first?.edits ?? 0) >= 1, "the retry edited the package the timed-out call made")
            #expect(await h.sim.confirmations() == outcome.attempts)
            try await h.expectNoSecrets(buyers: [order.buyer])
        }
    }

    /// A 400 "OrderItemId is invalid" ends Failure with Amazon's message, the
    /// job failed (a notification), and nothing retries it until the row changes.
    @Test func anInvalidOrderItemEndsFailureWithAmazonsMessage() async throws {
        let h = try await SalesHarness.start("shipbad")
        try await withTeardown(await h.finish()) { () async throws in
            let order = try await h.order()
            let shipment = try await insertShipment(
                h, order: order.rowID, picking: "WH/OUT/0003", items: #"[{"order_item_id": "99999999999999", "quantity": 1}]"#)
            let job = try #require(try await h.queuedJob(ConfirmShipmentJob.jobType, "shipment_id", shipment))
            h.startWorker()
            #expect(try await h.wait(job: job))
            let outcome = try await h.job(job)
            #expect(outcome.state == "failed" && outcome.attempts == 1, "\(outcome)")
            #expect(outcome.error?.contains("OrderItemId is invalid") == true, "\(outcome.error ?? "nil")")
            let row = try #require(
                try await h.row("SELECT status, message, package_reference_id FROM amazon_shipment WHERE id = $1", [shipment]))
            #expect(row["status"] == "Failure")
            #expect(row["message"]?.contains("OrderItemId is invalid") == true, "Amazon's message: \(row["message"] ?? "nil")")
            #expect(row["package_reference_id"] == "1", "the reference stays for the resend")
            #expect(await h.sim.packages().isEmpty)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_notification WHERE job_id = $1", [job]) == 1)
            #expect(
                try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = $1", [ConfirmShipmentJob.jobType])
                    == 1,
                "a Failure is not retried by itself")

            // The ERP corrects the line: the row is New again, a new job sends it with the same reference.
            try await h.pool.execute(
                "UPDATE amazon_shipment SET items = $2::jsonb WHERE id = $1",
                [shipment, PostgresJSON(text: #"[{"order_item_id": "\#(order.itemIDs[0])", "quantity": 1}]"#)])
            let again = try #require(
                try await h.row(
                    "SELECT id FROM marketplace_job WHERE job_type = $1 AND id <> $2", [ConfirmShipmentJob.jobType, job]
                )?.decode(Int64.self, "id"))
            #expect(try await h.wait(job: again))
            #expect(try await h.job(again).state == "done")
            #expect(try await h.row("SELECT status FROM amazon_shipment WHERE id = $1", [shipment])?["status"] == "Success")
            #expect(await h.sim.packages().map(\.packageReferenceID) == ["1"])
            try await h.expectNoSecrets(buyers: [order.buyer])
        }
    }

    /// HTTP 429 defers the job without spending an attempt.
    @Test func tooManyRequestsDefersWithoutSpendingAnAttempt() async throws {
        let h = try await SalesHarness.start("ship429")
        try await withTeardown(await h.finish()) { () async throws in
            let order = try await h.order()
            await h.sim.setFaults(AmazonFaults(tooManyRequests: 2, rateLimitLimit: "20"))
            let shipment = try await insertShipment(
                h, order: order.rowID, picking: "WH/OUT/0004",
                items: #"[{"order_item_id": "\#(order.itemIDs[0])", "quantity": 1}]"#)
            let job = try #require(try await h.queuedJob(ConfirmShipmentJob.jobType, "shipment_id", shipment))
            h.startWorker()
            #expect(try await h.wait(job: job))
            let outcome = try await h.job(job)
            #expect(outcome.state == "done" && outcome.attempts == 1, "\(outcome)")
            #expect(outcome.kinds == ["snooze", "snooze"], "\(outcome.kinds)")
            #expect(await h.sim.packages().count == 1)
        }
    }

    /// "Upload this month's shipping data": the month's New and Failure rows are queued, not Success ones nor other months.
    @Test func theMonthCommandQueuesThatMonthsUnconfirmedShipments() async throws {
        let h = try await SalesHarness.start("shipmonth")
        try await withTeardown(await h.finish()) { () async throws in
            let order = try await h.order(items: 3)
            let item = { (index: Int) in #"[{"order_item_id": "\#(order.itemIDs[index])", "quantity": 1}]"# }
            let failed = try await insertShipment(
                h, order: order.rowID, picking: "P1", items: item(0), shipDate: "2026-11-03T10:00:00Z")
            let confirmed = try await insertShipment(
                h, order: order.rowID, picking: "P2", items: item(1), shipDate: "2026-11-30T23:00:00Z")
            let december = try await insertShipment(
                h, order: order.rowID, picking: "P3", items: item(2), shipDate: "2026-12-01T00:00:00Z")
            try await h.pool.execute("UPDATE amazon_shipment SET status = 'Failure', message = 'earlier' WHERE id = $1", [failed])
            try await h.pool.execute("UPDATE amazon_shipment SET status = 'Success' WHERE id = $1", [confirmed])
            try await h.pool.execute("UPDATE amazon_shipment SET status = 'Failure' WHERE id = $1", [december])
            try await h.pool.execute("DELETE FROM marketplace_job")
            let admin = AmazonAdmin(database: h.pool)
            let account = try await admin.account(String(h.account))
            let queued = try await admin.enqueueShipmentConfirmations(account: account, month: "2026-11")
            #expect(queued.shipments == 1 && queued.jobs.count == 1, "\(queued)")
            #expect(try await h.queuedJob(ConfirmShipmentJob.jobType, "shipment_id", failed) != nil)
            // Pressing it twice queues nothing new (one pending job per shipment).
            let twice = try await admin.enqueueShipmentConfirmations(account: account, month: "2026-11")
            #expect(twice.jobs == queued.jobs)
            h.startWorker()
            #expect(try await h.wait(job: queued.jobs[0]))
            #expect(try await h.row("SELECT status FROM amazon_shipment WHERE id = $1", [failed])?["status"] == "Success")
            do {
                _ = try await admin.enqueueShipmentConfirmations(account: account, month: "2026-13")
                Issue.record("a bad month was accepted")
            } catch {
                #expect(String(describing: error).contains("YYYY-MM"))
            }
        }
    }
}
