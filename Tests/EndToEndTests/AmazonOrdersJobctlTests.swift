import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// `jobctl amazon orders|order|status` (issue 11's operator commands), as the
/// real binaries, with the real `worker` against `marketplace-sim amazon`.
@Suite("jobctl amazon: orders, order, status")
struct AmazonOrdersJobctlTests {
    typealias Sync = AmazonOrdersSyncTests

    @Test(
        "orders refuses an automatic account without --force; --since 60d --wait pages through and leaves the watermark; order and status show the result; no secret or buyer data printed"
    )
    func manualDownload() async throws {
        try await Sync.withSimulator("ordctl") { h, sim, processes in
            let account = try await Sync.account(h, sim, name: "Amazon Manual")
            // Its default schedules stay off, so only manual runs search while the account is automatic.
            try await h.connection.execute("UPDATE marketplace_schedule SET enabled = false WHERE account_id = $1", [account])
            let ids = await sim.addOrders(count: 250, status: "UNSHIPPED", updatedSecondsAgo: 7_200, itemsPerOrder: 1)
            await sim.addOrders(count: 5, status: "PENDING", updatedSecondsAgo: 7_000)
            await sim.transitionOrders([ids[1]], to: nil, updatedSecondsAgo: 6_900, buyerCancelReason: "Ordered twice")
            var outputs: [String] = []

            try await h.connection.execute(
                "UPDATE marketplace_account SET settings = settings || '{\"automatic\": true}' WHERE id = $1", [account])
            let refused = try await h.jobctl(["amazon", "orders", "Amazon Manual", "--since", "60d"])
            outputs.append(refused.output)
            #expect(refused.status == 3, "\(refused.output)")
            #expect(refused.output.contains("automatic"))
            let bad = try await h.jobctl(["amazon", "orders", "Amazon Manual", "--since", "sixty"])
            #expect(bad.status == 4, "\(bad.output)")
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'amazon.orders_sync'") == 0)
            // Back to manual, so the schedule stays quiet while the manual run is watched.
            try await h.connection.execute(
                "UPDATE marketplace_account SET settings = settings || '{\"automatic\": false}' WHERE id = $1", [account])

            let worker = try Sync.worker(h, id: "ctl-worker")
            processes.append(worker)
            let run = try await h.jobctl(["amazon", "orders", "Amazon Manual", "--since", "60d", "--wait", "--json"])
            outputs.append(run.output)
            #expect(run.status == 0, "\(run.output)\n\(worker.output.suffix(2000))")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
            #expect(object["pages"] as? Int == 3 && object["orders"] as? Int == 255, "\(object)")
            #expect(object["state"] as? String == "done")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order") == 255)
            #expect(
                try await h.count("SELECT count(*) AS n FROM amazon_order_sync_state WHERE watermark IS NOT NULL") == 0,
                "a manual run leaves the watermark alone")
            let searches = await sim.orderSearches()
            #expect(searches.count == 3 && searches.allSatisfy { $0.basis == "last_updated" }, "\(searches)")

            // --all uses createdAfter (the past three months), here with --force on an automatic account.
            try await h.connection.execute(
                "UPDATE marketplace_account SET settings = settings || '{\"automatic\": true}' WHERE id = $1", [account])
            let all = try await h.jobctl(["amazon", "orders", "Amazon Manual", "--all", "--force", "--wait"])
            outputs.append(all.output)
            #expect(all.status == 0, "\(all.output)")
            #expect(all.output.contains("3 page(s), 255 order(s)"), "\(all.output)")
            #expect(await sim.orderSearches().dropFirst(3).allSatisfy { $0.basis == "created" })

            let order = try await h.jobctl(["amazon", "order", ids[0]])
            outputs.append(order.output)
            #expect(order.status == 0, "\(order.output)")
            #expect(
                order.output.contains("UNSHIPPED") && order.output.contains("19.99")
                    && order.output.contains("ERP action   create"))
            let orderJSON = try await h.jobctl(["amazon", "order", ids[0], "--json"])
            outputs.append(orderJSON.output)
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(orderJSON.output.utf8)) as? [String: Any])
            #expect(decoded["ack_status"] as? String == "None" && (decoded["items"] as? [Any])?.count == 1, "\(decoded)")
            let missing = try await h.jobctl(["amazon", "order", "000-0000000-0000000"])
            #expect(missing.status == 2, "\(missing.output)")

            let status = try await h.jobctl(["amazon", "status", "Amazon Manual"])
            outputs.append(status.output)
            #expect(status.status == 0, "\(status.output)")
            #expect(status.output.contains("orders:") && status.output.contains("UNSHIPPED"), "\(status.output)")
            #expect(status.output.contains("unacknowledged: 250"), "\(status.output)")
            // The buyer's cancel request goes to a person (who cancels through cancel_reason).
            #expect(
                status.output.contains("NEEDS A PERSON") && status.output.contains("the buyer asked to cancel"),
                "\(status.output)")
            #expect(status.output.contains(ids[1]) && status.output.contains("Ordered twice"))
            let statusJSON = try await h.jobctl(["amazon", "status", "Amazon Manual", "--json"])
            let tab = try #require(
                (try JSONSerialization.jsonObject(with: Data(statusJSON.output.utf8)) as? [String: Any])?["orders"]
                    as? [String: Any])
            #expect(tab["unacknowledged"] as? Int == 250, "\(tab)")

            let everything = outputs.joined() + worker.output
            #expect(!everything.contains("Pat Buyer-") && !everything.contains("Privacy Lane"), "buyer data printed or logged")
            for secret in [Sync.simulator.clientSecret, Sync.simulator.refreshToken, "SECRET"] + (await sim.issuedTokens()) {
                #expect(!everything.contains(secret), "a secret was printed or logged")
            }
        }
    }
}
