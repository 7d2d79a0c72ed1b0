import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// Issue 11's download (done-when 1): the real `worker` binary pages through
/// `marketplace-sim amazon`'s `searchOrders`, one job per page, and is killed
/// with -9 in the middle.
@Suite("Amazon orders: incremental download with a worker killed mid-way")
struct AmazonOrdersSyncTests {
    static let simulator = AmazonSimulatorConfiguration(
        clientID: "amzn1.application-oa2-client.orders-id", clientSecret: "client-SECRET-orders-91c",
        refreshToken: "Atzr|refresh-SECRET-orders-3b7", sellerID: "A2ORDERSELLER")

    /// Quotas high enough that no test waits on the model's 0.0056 requests/s.
    static let rateLimits =
        #"{"searchOrders": {"rate": 50, "burst": 100}, "createFeedDocument": {"rate": 20, "burst": 50}, "createFeed": {"rate": 20, "burst": 50}, "getFeed": {"rate": 20, "burst": 50}, "getFeedDocument": {"rate": 20, "burst": 50}}"#

    static func account(
        _ h: EndToEndHarness, _ sim: AmazonSimulator, name: String = "Amazon Orders", marketplaces: [String] = ["ATVPDKIKX0DER"]
    ) async throws -> Int64 {
        try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_account (name, marketplace, settings, credentials) VALUES ($1, 'amazon',
                  jsonb_build_object('seller_id', $2::text, 'marketplace_ids', to_jsonb($9::text[]),
                                     'endpoint', $3::text, 'token_endpoint', $4::text, 'rate_limits', $8::jsonb),
                  jsonb_build_object('client_id', $5::text, 'client_secret', $6::text, 'refresh_token', $7::text))
                RETURNING id
                """,
                [
                    name, simulator.sellerID, sim.endpoint.absoluteString, sim.tokenEndpoint.absoluteString,
                    simulator.clientID, simulator.clientSecret, simulator.refreshToken, PostgresJSON(text: rateLimits),
                    marketplaces,
                ]
            ).first
        ).decode(Int64.self, "id")
    }

    /// A migrated database and the SP-API simulator for one test, and the
    /// worker processes the test starts (it appends them to `processes`): all
    /// are stopped when the body ends, however it ends.
    static func withSimulator(
        _ label: String, _ body: (EndToEndHarness, AmazonSimulator, inout [ChildProcess]) async throws -> Void
    ) async throws {
        let h = try await EndToEndHarness.make(label)
        let sim = try await AmazonSimulator.start(configuration: simulator)
        var processes: [ChildProcess] = []
        do {
            try await body(h, sim, &processes)
        } catch {
            await h.finish(processes)
            await sim.stop()
            throw error
        }
        await h.finish(processes)
        await sim.stop()
    }

    /// A worker for these tests. The lease is 30 s unless a test kills the
    /// worker and wants its jobs rescued soon: a 2 s lease can run out on a
    /// loaded machine while the job is still running, and the job then runs twice.
    static func worker(_ h: EndToEndHarness, id: String, lease: Int = 30) throws -> ChildProcess {
        try ChildProcess(
            executable: "worker",
            arguments: [
                "run", "--database-url", h.db.url, "--log-level", "debug", "--poll-interval", "0.2", "--concurrency", "2",
                "--lease", "\(lease)", "--worker-id", id, "--retry-base", "0.1", "--retry-cap", "1",
            ])
    }

    static func state(_ h: EndToEndHarness, _ account: Int64) async throws -> PostgresRow? {
        try await h.connection.query(
            """
            SELECT pages, orders_seen, in_progress, windows_completed, watermark = window_to AS at_end,
                   to_char(window_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS window_to,
                   to_char(window_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS window_from
              FROM amazon_order_sync_state WHERE account_id = $1
            """, [account]
        ).first
    }

    /// The order jobs, for a failure message.
    static func jobs(_ h: EndToEndHarness) async throws -> String {
        try await h.connection.query(
            """
            SELECT id, state, attempts, coalesce(unique_key, '-') AS k, coalesce(error, '') AS e, coalesce(result::text, '') AS r
              FROM marketplace_job WHERE job_type LIKE 'amazon.orders%' ORDER BY id
            """
        ).rows.map {
            let text = [$0["id"], $0["state"], $0["attempts"], $0["k"], $0["e"], $0["r"]].map { ($0 as String?) ?? "" }
            return text.joined(separator: " ").prefix(300).description
        }.joined(separator: "\n")
    }

    @Test(
        "1,000 orders in 10 pages, worker killed after page 4: exactly 1,000 orders and their items, watermark at the window's end; the next run fetches only changes, updated in place"
    )
    func killedMidDownloadResumes() async throws {
        try await Self.withSimulator("ordkill9") { h, sim, processes in
            let account = try await Self.account(h, sim)
            let ids = await sim.addOrders(count: 1_000, status: "UNSHIPPED", updatedSecondsAgo: 3_600, itemsPerOrder: 2)
            await sim.holdOrderPages(after: 4)
            let victim = try Self.worker(h, id: "victim", lease: 2)
            processes.append(victim)
            let first = try #require(
                try await h.connection.query(
                    "SELECT marketplace_enqueue('amazon.orders_sync', '{}', account_id => $1) AS id", [account]
                ).first
            ).decode(Int64.self, "id")

            // Page 4 committed and page 5's job is waiting on the held request: kill the worker there.
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    guard let state = try await Self.state(h, account) else { return false }
                    let running = try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'amazon.orders_sync' AND state = 'running'")
                    return try state.decode(Int.self, "pages") == 4 && running == 1
                }, "\(victim.output.suffix(3000))")
            victim.signal(SIGKILL)
            _ = await victim.waitForExit()
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order") == 400)
            #expect(try await h.count("SELECT (pagination_token IS NOT NULL)::int AS n FROM amazon_order_sync_state") == 1)
            await sim.releaseOrderPages()

            let survivor = try Self.worker(h, id: "survivor")
            processes.append(survivor)
            let finished = try await eventually(timeout: .seconds(120)) {
                try await Self.state(h, account).map { try $0.decode(Int.self, "windows_completed") } == 1
            }
            let jobs = finished ? "" : try await Self.jobs(h)
            #expect(finished, "\(jobs)\n\(survivor.output.suffix(3000))")
            let state = try #require(try await Self.state(h, account))
            #expect(try state.decode(Int.self, "pages") == 10)
            #expect(try state.decode(Int.self, "orders_seen") == 1_000, "each page counted once")
            #expect(try state.decode(Bool.self, "at_end"), "watermark == the window's end")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order") == 1_000)
            #expect(try await h.count("SELECT count(DISTINCT amazon_order_id) AS n FROM amazon_order") == 1_000)
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order_item") == 2_000)
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order WHERE erp_action = 'create'") == 1_000)
            // Money to the cent, from Amazon's decimal strings: 19.99 + 2 × 19.99.
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order WHERE grand_total = 59.97") == 1_000)
            // The window's end is the lastUpdatedBefore every request of the window sent.
            let windowTo = try #require(state["window_to"] as String?)
            let searches = await sim.orderSearches().filter { $0.status == 200 }
            #expect(searches.allSatisfy { $0.before == windowTo }, "\(searches.prefix(3)) vs \(windowTo)")
            // The last page's state is committed by its handler; the job's `done` is
            // written a moment later by the completer, so wait for it.
            #expect(
                try await eventually {
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'amazon.orders_sync' AND state = 'done'")
                        >= 10
                })
            #expect(first > 0)

            // Second run: three orders shipped since; only they come back, and they are updated in place.
            let before = try await h.connection.query(
                "SELECT id, amazon_order_id FROM amazon_order WHERE amazon_order_id = ANY($1) ORDER BY amazon_order_id",
                [Array(ids.prefix(3))]
            ).rows.map { $0["id"] as String? }
            await sim.transitionOrders(Array(ids.prefix(3)), to: "SHIPPED", updatedSecondsAgo: 200)
            let searchesBefore = await sim.orderSearches().count
            _ = try await h.connection.query(
                "SELECT marketplace_enqueue('amazon.orders_sync', '{}', account_id => $1) AS id", [account])
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    try await Self.state(h, account).map { try $0.decode(Int.self, "windows_completed") } == 2
                }, "\(survivor.output.suffix(3000))")
            let second = Array(await sim.orderSearches().dropFirst(searchesBefore))
            #expect(second.count == 1 && second.first?.returned == 3, "\(second)")
            let next = try #require(try await Self.state(h, account))
            #expect(try next.decode(Bool.self, "at_end"))
            #expect(next["window_from"] as String? == second.first?.after)
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order") == 1_000)
            let after = try await h.connection.query(
                """
                SELECT id, amazon_order_id FROM amazon_order WHERE amazon_order_id = ANY($1) AND fulfillment_status = 'SHIPPED'
                 ORDER BY amazon_order_id
                """, [Array(ids.prefix(3))]
            ).rows.map { $0["id"] as String? }
            #expect(after == before && after.count == 3)
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_order_item WHERE quantity_fulfilled > 0") == 6)

            // Buyer data is stored (the ERP ships to it) but never logged; no secret in logs or rows.
            let logs = victim.output + survivor.output
            #expect(!logs.contains("Pat Buyer-"), "a buyer's name reached a log")
            #expect(!logs.contains("Privacy Lane"), "a buyer's address reached a log")
            let rows =
                try await h.connection.query(
                    """
                    SELECT coalesce(string_agg(payload::text || coalesce(result::text, '') || coalesce(error, '') || errors::text, ''), '') AS t
                      FROM marketplace_job
                    """
                ).first?["t"] as String? ?? ""
            for secret in [Self.simulator.clientSecret, Self.simulator.refreshToken, "SECRET"] + (await sim.issuedTokens()) {
                #expect(!logs.contains(secret) && !rows.contains(secret), "a secret reached a log or a job row")
            }
        }
    }

    @Test("an account with two marketplaces downloads each in its own chain and watermark")
    func twoMarketplaces() async throws {
        try await Self.withSimulator("ordtwomkt") { h, sim, processes in
            let account = try await Self.account(h, sim, marketplaces: ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"])
            await sim.addOrders(count: 25, status: "UNSHIPPED", updatedSecondsAgo: 900, marketplaceID: "ATVPDKIKX0DER")
            await sim.addOrders(count: 15, status: "UNSHIPPED", updatedSecondsAgo: 900, marketplaceID: "A2EUQ1WTGCTBG2")
            let worker = try Self.worker(h, id: "twomkt")
            processes.append(worker)
            let first = try #require(
                try await h.connection.query(
                    "SELECT marketplace_enqueue('amazon.orders_sync', '{\"page_size\": 10}', account_id => $1) AS id", [account]
                ).first
            ).decode(Int64.self, "id")
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    try await h.count(
                        "SELECT count(*) AS n FROM amazon_order_sync_state WHERE account_id = $1 AND windows_completed = 1",
                        [account])
                        == 2
                }, "\(worker.output.suffix(3000))")
            #expect(
                try await h.count("SELECT count(*) AS n FROM amazon_order WHERE marketplace_id = 'ATVPDKIKX0DER'") == 25)
            #expect(
                try await h.count("SELECT count(*) AS n FROM amazon_order WHERE marketplace_id = 'A2EUQ1WTGCTBG2'") == 15)
            #expect(
                try await h.count(
                    "SELECT pages AS n FROM amazon_order_sync_state WHERE marketplace_id = 'A2EUQ1WTGCTBG2'") == 2)
            #expect(
                try await h.count("SELECT pages AS n FROM amazon_order_sync_state WHERE marketplace_id = 'ATVPDKIKX0DER'") == 3)

            // The first job run again (as after a lost lease or a 429) downloads its own
            // marketplace's new window but fans out no second job for the other one.
            let jobsBefore = try await h.count("SELECT count(*) AS n FROM marketplace_job")
            let again = try await h.jobctl(["run-now", "--again", String(first)])
            #expect(again.status == 0, "\(again.output)")
            #expect(
                try await eventually(timeout: .seconds(120)) {
                    let windows = try await h.count(
                        "SELECT windows_completed AS n FROM amazon_order_sync_state WHERE marketplace_id = 'ATVPDKIKX0DER'")
                    let done = try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE id = $1 AND state = 'done'", [first])
                    return windows == 2 && done == 1
                }, "\(worker.output.suffix(3000))")
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job") == jobsBefore)
            #expect(
                try await h.count(
                    "SELECT windows_completed AS n FROM amazon_order_sync_state WHERE marketplace_id = 'A2EUQ1WTGCTBG2'") == 1)
        }
    }
}
