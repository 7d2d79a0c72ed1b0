import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// The order jobs against a misbehaving simulator, and the rules a person
/// relies on: a 429 defers without spending an attempt; a cancellation is
/// never sent once anything shipped; an order cancelled by Amazon after a
/// shipment goes to a person.
@Suite("Amazon orders: throttling and cancellations")
struct AmazonOrdersFaultTests {
    typealias Sync = AmazonOrdersSyncTests

    @Test("a 429 storm on searchOrders puts the page job back to pending with a snooze, no attempt spent, and it then completes")
    func throttledPageSnoozes() async throws {
        try await Sync.withSimulator("ord429") { h, sim, processes in
            let account = try await Sync.account(h, sim)
            await sim.addOrders(count: 30, status: "UNSHIPPED", updatedSecondsAgo: 900)
            // Amazon says 2 requests/s: the job comes back about half a second later.
            await sim.setFaults(AmazonFaults(tooManyRequests: 3, rateLimitLimit: "2"))
            let job = try #require(
                try await h.connection.query(
                    "SELECT marketplace_enqueue('amazon.orders_sync', '{\"page_size\": 10}', account_id => $1) AS id", [account]
                ).first
            ).decode(Int64.self, "id")
            let worker = try Sync.worker(h, id: "ord429")
            processes.append(worker)
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    try await Sync.state(h, account).map { try $0.decode(Int.self, "windows_completed") } == 1
                }, "\(worker.output.suffix(3000))")
            let row = try #require(
                try await h.connection.query(
                    """
                    SELECT state, attempts, (SELECT count(*) FROM jsonb_array_elements(errors) e WHERE e->>'kind' = 'snooze')::int AS snoozes,
                           (SELECT count(*) FROM jsonb_array_elements(errors) e WHERE e->>'kind' <> 'snooze')::int AS others
                      FROM marketplace_job WHERE id = $1
                    """, [job]
                ).first)
            #expect(row["state"] as String? == "done")
            #expect(try row.decode(Int.self, "snoozes") == 3, "each 429 is a snooze")
            #expect(try row.decode(Int.self, "others") == 0)
            #expect(try row.decode(Int.self, "attempts") == 1, "a 429 costs no attempt")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order") == 30)
            #expect(try await h.count("SELECT pages AS n FROM amazon_order_sync_state") == 3)
        }
    }

    @Test(
        "a scheduled run leaves a window in progress to its chain; a refused page token (expired) ends the window without moving the watermark, and the next attempt walks a new one"
    )
    func expiredPageTokenRestartsTheWindow() async throws {
        try await Sync.withSimulator("ordtoken") { h, sim, processes in
            let account = try await Sync.account(h, sim)
            await sim.addOrders(count: 30, status: "UNSHIPPED", updatedSecondsAgo: 900)
            await sim.holdOrderPages(after: 1)
            let worker = try Sync.worker(h, id: "ordtoken")
            processes.append(worker)
            _ = try await h.connection.query(
                "SELECT marketplace_enqueue('amazon.orders_sync', '{\"page_size\": 10}', account_id => $1) AS id", [account])
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    let pages = try await Sync.state(h, account).map { try $0.decode(Int.self, "pages") }
                    let running = try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'amazon.orders_sync' AND state = 'running'")
                    return pages == 1 && running == 1
                }, "\(worker.output.suffix(3000))")
            // A scheduled run meanwhile (no "chained" flag) leaves the page to the chain: no request, no write.
            let searches = await sim.orderSearches().count
            let scheduled = try #require(
                try await h.connection.query(
                    "SELECT marketplace_enqueue('amazon.orders_sync', '{\"page_size\": 10}', account_id => $1) AS id", [account]
                ).first
            ).decode(Int64.self, "id")
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE id = $1 AND state = 'done'", [scheduled])
                        == 1
                })
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE id = $1 AND (result ->> 'superseded')::boolean", [scheduled])
                    == 1)
            #expect(await sim.orderSearches().count == searches)
            #expect(try await h.count("SELECT pages AS n FROM amazon_order_sync_state") == 1)
            await sim.expireOrderPageTokens()
            await sim.releaseOrderPages()
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    try await Sync.state(h, account).map { try $0.decode(Int.self, "windows_completed") } == 1
                }, "\(worker.output.suffix(3000))")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order") == 30)
            #expect(try await h.count("SELECT pages AS n FROM amazon_order_sync_state") == 3, "a new window of three pages")
            // Its `done` comes from the completer, a moment after the state it wrote.
            #expect(
                try await eventually {
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE errors::text LIKE '%page token was dropped%' AND state = 'done'"
                    ) == 1
                })
            let refused = await sim.orderSearches().filter { $0.status == 400 }
            #expect(refused.count == 1 && refused.first?.paginationToken != nil, "\(refused)")
        }
    }

    @Test("a cancellation is sent as Failure only while nothing shipped; Amazon cancelling a shipped order needs a person")
    func cancellations() async throws {
        try await Sync.withSimulator("ordcancel") { h, sim, processes in
            let account = try await Sync.account(h, sim)
            let ids = await sim.addOrders(count: 3, status: "UNSHIPPED", updatedSecondsAgo: 900, itemsPerOrder: 2)
            let worker = try Sync.worker(h, id: "ordcancel")
            processes.append(worker)
            _ = try await h.connection.query(
                "SELECT marketplace_enqueue('amazon.orders_sync', '{}', account_id => $1) AS id", [account])
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    try await Sync.state(h, account).map { try $0.decode(Int.self, "windows_completed") } == 1
                })
            // Order 0: the ERP cancels it (no stock). Order 1: the ERP inserted a shipment, then asks to cancel: refused.
            try await h.connection.execute(
                """
                INSERT INTO amazon_shipment (order_id, erp_picking_id, carrier_code, tracking_number, ship_date, items)
                SELECT id, 'PICK-1', 'UPS', '1Z999', now(), '[{"order_item_id": "x", "quantity": 1}]' FROM amazon_order
                 WHERE amazon_order_id = $1
                """, [ids[1]])
            try await h.connection.execute(
                "UPDATE amazon_order SET cancel_reason = 'NoInventory', erp_order_id = 'E-' || id WHERE amazon_order_id = ANY($1)",
                [[ids[0], ids[1]]])
            #expect(
                try await eventually(timeout: .seconds(120), every: .milliseconds(200)) {
                    try await h.connection.execute(
                        """
                        UPDATE marketplace_job SET next_run_at = now()
                         WHERE job_type = 'amazon.orders_ack_status' AND state = 'pending' AND next_run_at > now()
                        """)
                    return try await h.count("SELECT count(*) AS n FROM amazon_order WHERE ack_status IN ('Success', 'Failure')")
                        == 2
                }, "\(worker.output.suffix(3000))")
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM amazon_order WHERE amazon_order_id = $1 AND ack_status = 'Success'", [ids[0]])
                    == 1)
            let refused = try #require(
                try await h.connection.query(
                    "SELECT ack_status, ack_message FROM amazon_order WHERE amazon_order_id = $1", [ids[1]]
                )
                .first)
            #expect(refused["ack_status"] as String? == "Failure")
            #expect((refused["ack_message"] as String?)?.contains("refund the whole order") == true)
            // Amazon saw one cancellation (order 0, cancelled now) and nothing for order 1.
            #expect(await sim.order(id: ids[0])?.status == "CANCELLED")
            #expect(await sim.order(id: ids[0])?.acknowledgements.first?.cancelReasons.values.contains("NoInventory") == true)
            #expect(await sim.order(id: ids[1])?.acknowledgements.isEmpty == true)
            #expect(await sim.feeds().filter { $0.feedType == "POST_ORDER_ACKNOWLEDGEMENT_DATA" }.count == 1)

            // Order 2 ships, then Amazon cancels it: the next download hands it to a person.
            await sim.transitionOrders([ids[2]], to: "SHIPPED", updatedSecondsAgo: 400)
            try await h.connection.execute("UPDATE amazon_order SET erp_order_id = 'E-2' WHERE amazon_order_id = $1", [ids[2]])
            _ = try await h.connection.query(
                "SELECT marketplace_enqueue('amazon.orders_sync', '{}', account_id => $1) AS id", [account])
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    try await Sync.state(h, account).map { try $0.decode(Int.self, "windows_completed") } == 2
                })
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM amazon_order WHERE amazon_order_id = $1 AND erp_action = 'reconcile'", [ids[2]])
                    == 1)
            await sim.transitionOrders([ids[2]], to: "CANCELLED", updatedSecondsAgo: 300)
            _ = try await h.connection.query(
                "SELECT marketplace_enqueue('amazon.orders_sync', '{}', account_id => $1) AS id", [account])
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    try await Sync.state(h, account).map { try $0.decode(Int.self, "windows_completed") } == 3
                })
            let review = try #require(
                try await h.connection.query(
                    "SELECT erp_action, sync_status FROM amazon_order WHERE amazon_order_id = $1", [ids[2]]
                ).first)
            #expect(review["erp_action"] as String? == "review" && review["sync_status"] as String? == "Failure")
            let status = try await h.jobctl(["amazon", "status", String(account)])
            #expect(status.output.contains("NEEDS A PERSON") && status.output.contains(ids[2]), "\(status.output)")
        }
    }
}
