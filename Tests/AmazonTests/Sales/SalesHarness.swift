import Amazon
import Foundation
import HTTPClient
import JobQueue
import MarketplaceSim
import Postgres
import Synchronization
import TestSupport
import Testing

/// Issue 11's shipments, refunds and settlements against real parts: a fresh
/// database, `marketplace-sim amazon` on 127.0.0.1 and an Amazon account
/// pointing at it (raised quotas; a 2 s request timeout where a slow answer
/// must be a timeout), orders made in the simulator and mirrored into `amazon_order`
/// as the download would store them, and a real in-process worker, started
/// when the test says (so a test can prepare the queued jobs first).
final class SalesHarness: Sendable {
    static let simulator = AmazonSimulatorConfiguration(
        clientID: "amzn1.application-oa2-client.sales-SECRET", clientSecret: "client-SECRET-sales-91b3",
        refreshToken: "Atzr|refresh-SECRET-sales-5c", sellerID: "A2SALESSELLER")

    static let rateLimits =
        #"{"createFeedDocument": {"rate": 50, "burst": 100}, "createFeed": {"rate": 50, "burst": 100}, "getFeed": {"rate": 50, "burst": 100}, "getFeedDocument": {"rate": 50, "burst": 100}, "confirmShipment": {"rate": 50, "burst": 100}, "getReports": {"rate": 50, "burst": 100}, "getReportDocument": {"rate": 50, "burst": 100}}"#

    let db: TestDatabase
    let pool: PostgresPool
    let sim: AmazonSimulator
    let account: Int64
    let logs = LogCapture()
    private let worker = Mutex<Task<Void, any Error>?>(nil)

    private init(db: TestDatabase, pool: PostgresPool, sim: AmazonSimulator, account: Int64) {
        self.db = db
        self.pool = pool
        self.sim = sim
        self.account = account
    }

    /// `requestTimeoutSeconds`: 30 unless a test wants a slow answer to be a timeout
    /// (then 2; those tests tolerate a loaded machine's extra timeouts).
    static func start(_ label: String, requestTimeoutSeconds: Int = 30) async throws -> SalesHarness {
        let db = try await TestDatabase.create(label: label)
        let pool = db.pool(size: 4)
        let sim = try await AmazonSimulator.start(configuration: simulator)
        let account = try await pool.query(
            """
            INSERT INTO marketplace_account (name, marketplace, settings, credentials) VALUES ('Amazon Sales', 'amazon',
              jsonb_build_object('seller_id', $1::text, 'marketplace_ids', jsonb_build_array('ATVPDKIKX0DER'),
                                 'endpoint', $2::text, 'token_endpoint', $3::text, 'currency', 'USD',
                                 'rate_limits', $7::jsonb, 'request_timeout_seconds', $8::int),
              jsonb_build_object('client_id', $4::text, 'client_secret', $5::text, 'refresh_token', $6::text)) RETURNING id
            """,
            [
                simulator.sellerID, sim.endpoint.absoluteString, sim.tokenEndpoint.absoluteString, simulator.clientID,
                simulator.clientSecret, simulator.refreshToken, PostgresJSON(text: rateLimits), requestTimeoutSeconds,
            ]
        ).first!.decode(Int64.self, "id")
        // The default schedules would run the account's syncs; these tests run jobs one by one.
        try await pool.execute("UPDATE marketplace_schedule SET enabled = false WHERE account_id = $1", [account])
        return SalesHarness(db: db, pool: pool, sim: sim, account: account)
    }

    /// Starts the worker (once): the three sales job types, fast retries.
    func startWorker() {
        worker.withLock { running in
            guard running == nil else { return }
            let worker = Worker(
                configuration: WorkerConfiguration(
                    database: db.configuration, concurrency: 4, leaseDuration: .seconds(20),
                    pollInterval: .milliseconds(100),
                    retryPolicy: RetryPolicy(base: .milliseconds(50), cap: .milliseconds(200), jitter: 0)),
                registry: {
                    var registry = HandlerRegistry()
                    registry.register(ConfirmShipmentJob())
                    registry.register(RefundJob())
                    registry.register(SettlementsJob())
                    return registry
                }(),
                http: URLSessionHTTPClient(), logger: logs.logger(level: .trace))
            running = Task { try await worker.run() }
        }
    }

    func finish() async {
        if let running = worker.withLock({ $0 }) { await stopAndWait(running) }
        // Done-when 6: every refund document the jobs uploaded is well-formed to an independent parser.
        for feed in await sim.feeds() where feed.feedType == "POST_PAYMENT_ADJUSTMENT_DATA" {
            guard let bytes = await sim.uploadedDocument(id: feed.inputFeedDocumentID) else { continue }
            do { #expect(try XMLCheck.wellFormed(bytes), "feed \(feed.feedID) is not well-formed XML") } catch {
                Issue.record(error)
            }
        }
        await sim.stop()
        await pool.close()
        await db.drop()
    }

    /// An UNSHIPPED order in the simulator with `items` lines (quantities 1, 2, …), stored in
    /// `amazon_order`/`amazon_order_item` as the download would (raw holding the buyer's name).
    /// Returns the Amazon order id, the row id and the item ids.
    func order(items: Int = 1) async throws -> (amazonID: String, rowID: Int64, itemIDs: [String], buyer: String) {
        let id = try #require(await sim.addOrders(count: 1, status: "UNSHIPPED", itemsPerOrder: items).first)
        let order = try #require(await sim.order(id: id))
        let row = try await pool.query(
            """
            INSERT INTO amazon_order (account_id, amazon_order_id, marketplace_id, fulfillment_status, created_time,
                                      last_updated_time, grand_total, currency, raw)
            VALUES ($1, $2, $3, 'UNSHIPPED', now(), now(), $4::numeric, 'USD',
                    jsonb_build_object('recipient', jsonb_build_object('deliveryAddress', jsonb_build_object('name', $5::text))))
            RETURNING id
            """, [account, id, order.marketplaceID, order.grandTotal, order.buyerName]
        ).first!.decode(Int64.self, "id")
        for item in order.items {
            try await pool.execute(
                """
                INSERT INTO amazon_order_item (order_id, order_item_id, seller_sku, quantity_ordered, unit_price, currency)
                VALUES ($1, $2, $3, $4, $5::numeric, 'USD')
                """, [row, item.orderItemID, item.sellerSKU, item.quantityOrdered, item.unitPrice])
        }
        return (id, row, order.items.map(\.orderItemID), order.buyerName)
    }

    /// The job the trigger queued for a row: `type` and payload key `key` = `id`.
    func queuedJob(_ type: String, _ key: String, _ id: Int64) async throws -> Int64? {
        try await pool.query(
            "SELECT id FROM marketplace_job WHERE job_type = $1 AND (payload->>$2)::bigint = $3 ORDER BY id LIMIT 1",
            [type, key, id]
        ).first?.decode(Int64.self, "id")
    }

    /// Waits for a job to reach `state` (the bound only catches a hang).
    func wait(job: Int64, for states: Set<String> = ["done", "failed"], timeout: Duration = .seconds(90)) async throws -> Bool {
        try await eventually(timeout: timeout, every: .milliseconds(50)) {
            states.contains(try await self.job(job).state)
        }
    }

    func job(_ id: Int64) async throws -> (state: String, attempts: Int, error: String?, kinds: [String], result: String?) {
        let row = try #require(
            try await pool.query(
                """
                SELECT state, attempts, error, result::text AS result,
                       coalesce((SELECT string_agg(e->>'kind', ',' ORDER BY o) FROM jsonb_array_elements(errors) WITH ORDINALITY AS x(e, o)), '') AS kinds
                  FROM marketplace_job WHERE id = $1
                """, [id]
            ).first)
        return (
            row["state"]!, try row.decode(Int.self, "attempts"), row["error"],
            row["kinds"]!.split(separator: ",").map(String.init), row["result"]
        )
    }

    func count(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> Int {
        try await pool.query(sql, parameters).first!.decode(Int.self, "n")
    }

    func row(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> PostgresRow? {
        try await pool.query(sql, parameters).first
    }

    /// Done-when 7: no secret or access token in any log line, job row or sales row; no buyer name in the logs.
    func expectNoSecrets(buyers: [String] = []) async throws {
        let rows = try await pool.query(
            """
            SELECT coalesce(string_agg(payload::text || coalesce(result::text, '') || coalesce(error, '') || errors::text, ''), '')
                   || (SELECT coalesce(string_agg(coalesce(message, ''), ''), '') FROM amazon_shipment)
                   || (SELECT coalesce(string_agg(coalesce(message, ''), ''), '') FROM amazon_adjustment)
                   || (SELECT coalesce(string_agg(message, ''), '') FROM marketplace_notification)
                   || (SELECT coalesce(string_agg(coalesce(error, '') || coalesce(report, ''), ''), '') FROM amazon_feed) AS t
              FROM marketplace_job
            """
        ).first!["t"]!
        let logText = logs.text
        let secrets =
            [Self.simulator.clientID, Self.simulator.clientSecret, Self.simulator.refreshToken] + (await sim.issuedTokens())
        for secret in secrets {
            #expect(!logText.contains(secret), "a secret reached the logs")
            #expect(!rows.contains(secret), "a secret reached a row")
        }
        for buyer in buyers { #expect(!logText.contains(buyer), "the buyer's name reached the logs") }
    }
}
