import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// `jobctl amazon shipments|settlements` (issue 11's "Upload this month's
/// shipping data" and the settlements list), as the real binaries, with the
/// real `worker` against `marketplace-sim amazon`.
@Suite("jobctl amazon: shipments, settlements")
struct AmazonSalesJobctlTests {
    typealias Sync = AmazonOrdersSyncTests

    @Test(
        "shipments refuses an automatic account and a bad month, then queues the month's Failure rows, which a worker confirms; settlements lists an imported report exactly; no secret or buyer data printed"
    )
    func shipmentsAndSettlements() async throws {
        try await Sync.withSimulator("salesctl") { h, sim, processes in
            let account = try await Sync.account(h, sim, name: "Amazon Sales")
            try await h.connection.execute("UPDATE marketplace_schedule SET enabled = false WHERE account_id = $1", [account])
            let orderID = try #require(await sim.addOrders(count: 1, status: "UNSHIPPED", itemsPerOrder: 1).first)
            let simOrder = try #require(await sim.order(id: orderID))
            let row = try #require(
                try await h.connection.query(
                    """
                    INSERT INTO amazon_order (account_id, amazon_order_id, marketplace_id, fulfillment_status, created_time, last_updated_time, raw)
                    VALUES ($1, $2, 'ATVPDKIKX0DER', 'UNSHIPPED', now(), now(), jsonb_build_object('buyer', $3::text)) RETURNING id
                    """, [account, orderID, simOrder.buyerName]
                ).first
            ).decode(Int64.self, "id")
            try await h.connection.execute(
                "INSERT INTO amazon_order_item (order_id, order_item_id, quantity_ordered) VALUES ($1, $2, 1)",
                [row, simOrder.items[0].orderItemID])
            try await h.connection.execute(
                """
                INSERT INTO amazon_shipment (order_id, erp_picking_id, carrier_code, tracking_number, ship_date, items, status, message)
                VALUES ($1, 'WH/OUT/7', 'DHL', 'JD0146000012345', '2026-11-10T08:00:00Z',
                        jsonb_build_array(jsonb_build_object('order_item_id', $2::text, 'quantity', 1)), 'Failure', 'an earlier try')
                """, [row, simOrder.items[0].orderItemID])
            try await h.connection.execute("DELETE FROM marketplace_job")
            var outputs: [String] = []

            try await h.connection.execute(
                "UPDATE marketplace_account SET settings = settings || '{\"automatic\": true}' WHERE id = $1", [account])
            let refused = try await h.jobctl(["amazon", "shipments", "Amazon Sales", "--month", "2026-11"])
            #expect(refused.status == 3 && refused.output.contains("automatic"), "\(refused.output)")
            let bad = try await h.jobctl(["amazon", "shipments", "Amazon Sales", "--month", "11/2026", "--force"])
            #expect(bad.status == 4 && bad.output.contains("YYYY-MM"), "\(bad.output)")
            try await h.connection.execute(
                "UPDATE marketplace_account SET settings = settings || '{\"automatic\": false}' WHERE id = $1", [account])
            let queued = try await h.jobctl(["amazon", "shipments", "Amazon Sales", "--month", "2026-11"])
            outputs.append(queued.output)
            #expect(
                queued.status == 0 && queued.output.contains("1 unconfirmed shipment(s) of 2026-11 queued"), "\(queued.output)")

            let report = AmazonSettlementReportSpec(settlementID: "777000111", lines: 300, decimalComma: true, gzip: true)
            await sim.addSettlementReport(report)
            let enqueue = try await h.jobctl(["enqueue", "amazon.settlements", "--account", String(account)])
            #expect(enqueue.status == 0, "\(enqueue.output)")

            let worker = try Sync.worker(h, id: "sales-worker")
            processes.append(worker)
            #expect(
                try await eventually(timeout: .seconds(90)) {
                    try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state IN ('pending', 'running')") == 0
                }, "\(worker.output.suffix(2000))")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_shipment WHERE status = 'Success'") == 1)
            #expect(await sim.packages().count == 1)

            let list = try await h.jobctl(["amazon", "settlements", "Amazon Sales"])
            outputs.append(list.output)
            #expect(
                list.status == 0 && list.output.contains("777000111") && list.output.contains("777000111"),
                "\(list.output)")
            let json = try await h.jobctl(["amazon", "settlements", "Amazon Sales", "--json"])
            outputs.append(json.output)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
            let first = try #require((object["settlements"] as? [[String: Any]])?.first, "\(object)")
            #expect((first["total_amount"] as? String).flatMap { Decimal(string: $0) } == report.totalAmount, "\(first)")
            #expect(list.output.contains("\(first["total_amount"] as? String ?? "?") EUR"), "\(list.output)")
            #expect(first["lines"] as? Int == 300 && first["lines_total"] as? String == first["total_amount"] as? String)

            let everything = outputs.joined() + worker.output
            #expect(!everything.contains(simOrder.buyerName), "buyer data printed or logged")
            for secret in [Sync.simulator.clientSecret, Sync.simulator.refreshToken, "SECRET"] + (await sim.issuedTokens()) {
                #expect(!everything.contains(secret), "a secret was printed or logged")
            }
        }
    }
}
