import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// Issue 11's acknowledgements (done-when 2 and 6): PENDING orders are stored
/// and never acknowledged; once UNSHIPPED and given the ERP's ids, one XML
/// feed carries them and its report marks them Success.
@Suite("Amazon orders: acknowledgement feed")
struct AmazonOrdersAckTests {
    typealias Sync = AmazonOrdersSyncTests

    func syncOnce(_ h: EndToEndHarness, _ account: Int64, windows: Int) async throws -> Bool {
        _ = try await h.connection.query(
            "SELECT marketplace_enqueue('amazon.orders_sync', '{}', account_id => $1) AS id", [account])
        return try await eventually(timeout: .seconds(120)) {
            try await Sync.state(h, account).map { try $0.decode(Int.self, "windows_completed") } == windows
        }
    }

    /// Runs due-later status polls now (an operator's run-now), until `condition` holds.
    func pollUntil(_ h: EndToEndHarness, _ condition: @escaping () async throws -> Bool) async throws -> Bool {
        try await eventually(timeout: .seconds(120), every: .milliseconds(200)) {
            try await h.connection.execute(
                """
                UPDATE marketplace_job SET next_run_at = now()
                 WHERE job_type = 'amazon.orders_ack_status' AND state = 'pending' AND next_run_at > now()
                """)
            return try await condition()
        }
    }

    @Test("PENDING orders are never acknowledged; UNSHIPPED ones with the ERP's ids go in one XML feed, escaped, and end Success")
    func pendingNeverAcknowledgedUnshippedAcknowledgedOnce() async throws {
        try await Sync.withSimulator("ordack") { h, sim, processes in
            let account = try await Sync.account(h, sim)
            let ids = await sim.addOrders(count: 6, status: "PENDING", updatedSecondsAgo: 3_600, itemsPerOrder: 2)
            let worker = try Sync.worker(h, id: "ack-worker")
            processes.append(worker)
            #expect(try await syncOnce(h, account, windows: 1), "\(worker.output.suffix(2000))")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order WHERE fulfillment_status = 'PENDING'") == 6)
            #expect(
                try await h.count("SELECT count(*) AS n FROM amazon_order WHERE erp_action IS NULL AND ack_status = 'None'") == 6)

            // The ERP writes ids for a PENDING order: stored, never acknowledged.
            try await h.connection.execute(
                """
                UPDATE amazon_order SET erp_order_id = 'ERP-early', merchant_order_id = 'SO-early' WHERE amazon_order_id = $1
                """, [ids[5]])
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'amazon.orders_ack'") == 0)

            // Five turn UNSHIPPED; the sync stores them with "create" for the ERP, still unacknowledged.
            await sim.transitionOrders(Array(ids.prefix(5)), to: "UNSHIPPED", updatedSecondsAgo: 200)
            #expect(try await syncOnce(h, account, windows: 2), "\(worker.output.suffix(2000))")
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM amazon_order WHERE fulfillment_status = 'UNSHIPPED' AND erp_action = 'create' AND ack_status = 'None'"
                ) == 5)

            // The ERP creates its orders and writes its ids (items first, in one transaction): that queues the ack.
            try await h.connection.transaction { connection in
                try await connection.execute(
                    """
                    UPDATE amazon_order_item i SET erp_order_line_id = 'L' || i.id, merchant_order_item_id = 'SOL<' || i.id || '>&"x"'
                      FROM amazon_order o WHERE o.id = i.order_id AND o.fulfillment_status = 'UNSHIPPED'
                    """)
                try await connection.execute(
                    """
                    UPDATE amazon_order SET erp_order_id = 'ERP-' || id, merchant_order_id = 'SO<' || id || '>&"q"''s',
                           erp_action = NULL
                     WHERE fulfillment_status = 'UNSHIPPED'
                    """)
            }
            #expect(
                try await pollUntil(h) {
                    try await h.count("SELECT count(*) AS n FROM amazon_order WHERE ack_status = 'Success'") == 5
                }, "\(worker.output.suffix(3000))")
            let feeds = await sim.feeds().filter { $0.feedType == "POST_ORDER_ACKNOWLEDGEMENT_DATA" }
            #expect(feeds.count == 1, "one feed carries them")
            let feed = try #require(feeds.first)
            #expect(feed.processingStatus == "DONE" && feed.summary?.messagesAccepted == 5, "\(feed)")

            // What Amazon received: the ERP's ids exactly, the pending order not at all.
            let received = await sim.orders()
            let stored = try await h.connection.query(
                """
                SELECT o.amazon_order_id, o.merchant_order_id, i.order_item_id, i.merchant_order_item_id
                  FROM amazon_order o JOIN amazon_order_item i ON i.order_id = o.id WHERE o.fulfillment_status = 'UNSHIPPED'
                """
            ).rows
            #expect(stored.count == 10)
            for row in stored {
                let order = try #require(received.first { $0.orderID == row["amazon_order_id"] })
                #expect(order.acknowledgements.count == 1)
                #expect(order.acknowledgements.first?.merchantOrderID == row["merchant_order_id"])
                #expect(order.acknowledgements.first?.merchantItemIDs[row["order_item_id"]!] == row["merchant_order_item_id"])
            }
            #expect(received.first { $0.orderID == ids[5] }?.acknowledgements.isEmpty == true)
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM amazon_order WHERE amazon_order_id = $1 AND ack_status = 'None'", [ids[5]]) == 1)

            // The document as uploaded: well-formed to an independent parser, the ids escaped by the library.
            let bytes = try #require(await sim.uploadedDocument(id: feed.inputFeedDocumentID))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("&lt;") && text.contains("&amp;") && !text.contains("SO<"))
            #expect(try XMLCheck.wellFormed(bytes), "python3's XML parser refused the document")
            #expect(
                try await h.count(
                    "SELECT (processing_summary ->> 'messagesAccepted')::int AS n FROM amazon_feed WHERE feed_type = 'POST_ORDER_ACKNOWLEDGEMENT_DATA'"
                ) == 5)

            // No secret in the worker's log, the job rows, the feed rows or the orders' messages; no buyer data logged.
            let rows =
                try await h.connection.query(
                    """
                    SELECT (SELECT coalesce(string_agg(payload::text || coalesce(result::text, '') || coalesce(error, '') || errors::text, ''), '')
                              FROM marketplace_job)
                        || (SELECT coalesce(string_agg(coalesce(report, '') || coalesce(error, '') || coalesce(processing_summary::text, ''), ''), '')
                              FROM amazon_feed)
                        || (SELECT coalesce(string_agg(coalesce(ack_message, '') || coalesce(sync_message, ''), ''), '') FROM amazon_order) AS t
                    """
                ).first?["t"] as String? ?? ""
            let logs = worker.output
            #expect(!logs.contains("Pat Buyer-") && !logs.contains("Privacy Lane"), "buyer data reached a log")
            for secret in [Sync.simulator.clientSecret, Sync.simulator.refreshToken, "SECRET"] + (await sim.issuedTokens()) {
                #expect(!logs.contains(secret) && !rows.contains(secret), "a secret reached a log or a row")
            }
        }
    }
}
