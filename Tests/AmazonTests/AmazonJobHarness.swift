import Amazon
import Foundation
import HTTPClient
import JobQueue
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// A fresh database, `marketplace-sim amazon` on 127.0.0.1, an Amazon account
/// pointing at it (with raised quotas so a throttled call waits a fraction of
/// a second, not the model's two minutes) and a real in-process worker running
/// the two catalog job types: what the job-level fault tests share.
struct AmazonJobHarness {
    static let simulator = AmazonSimulatorConfiguration(
        clientID: "amzn1.application-oa2-client.fault-SECRET", clientSecret: "client-SECRET-fault-7d21",
        refreshToken: "Atzr|refresh-SECRET-fault-4e", sellerID: "A2FAULTSELLER")

    /// Quotas high enough that the tests never wait on the model's defaults.
    static let rateLimits =
        #"{"createFeedDocument": {"rate": 20, "burst": 50}, "createFeed": {"rate": 20, "burst": 50}, "getFeed": {"rate": 20, "burst": 50}, "getFeedDocument": {"rate": 20, "burst": 50}, "feed_submissions": {"limit": 1000, "seconds": 300}}"#

    /// Fast polls: the status job comes back after 50 ms, doubling.
    static let fastPayload = #"{"first_poll_seconds": 0.05, "poll_seconds": 0.05}"#

    let db: TestDatabase
    let pool: PostgresPool
    let sim: AmazonSimulator
    let account: Int64
    let logs: LogCapture
    let running: Task<Void, any Error>

    /// Starts everything; `clientSecret` other than the simulator's makes LWA refuse the account.
    static func start(_ label: String, sellerID: String? = nil, clientSecret: String? = nil) async throws -> AmazonJobHarness {
        let db = try await TestDatabase.create(label: label)
        let pool = db.pool(size: 4)
        let sim = try await AmazonSimulator.start(configuration: simulator)
        let account = try await pool.query(
            """
            INSERT INTO marketplace_account (name, marketplace, settings, credentials) VALUES ('Amazon Faults', 'amazon',
              jsonb_build_object('seller_id', $1::text, 'marketplace_ids', jsonb_build_array('ATVPDKIKX0DER'),
                                 'endpoint', $2::text, 'token_endpoint', $3::text, 'image_base_url', 'https://img.example.com',
                                 'currency', 'USD', 'default_product_type', 'PRODUCT', 'rate_limits', $7::jsonb),
              jsonb_build_object('client_id', $4::text, 'client_secret', $5::text, 'refresh_token', $6::text)) RETURNING id
            """,
            [
                sellerID ?? simulator.sellerID, sim.endpoint.absoluteString, sim.tokenEndpoint.absoluteString,
                simulator.clientID, clientSecret ?? simulator.clientSecret, simulator.refreshToken,
                PostgresJSON(text: rateLimits),
            ]
        ).first!.decode(Int64.self, "id")
        try await pool.execute(
            "INSERT INTO stock_location (id, name, warehouse_code) OVERRIDING SYSTEM VALUE VALUES (1, 'WH/Online', 'ODS001')")
        let logs = LogCapture()
        let worker = Worker(
            configuration: WorkerConfiguration(
                database: db.configuration, concurrency: 4, leaseDuration: .seconds(10),
                pollInterval: .milliseconds(100),
                retryPolicy: RetryPolicy(base: .milliseconds(50), cap: .milliseconds(200), jitter: 0)),
            registry: {
                var registry = HandlerRegistry()
                registry.register(CatalogSyncJob())
                registry.register(FeedStatusJob())
                return registry
            }(),
            http: URLSessionHTTPClient(), logger: logs.logger(level: .trace))
        let running = Task { try await worker.run() }
        return AmazonJobHarness(db: db, pool: pool, sim: sim, account: account, logs: logs, running: running)
    }

    /// Stops the worker, then the simulator and the database.
    func finish() async {
        await stopAndWait(running)
        // Whatever a test did, every feed the jobs uploaded must be schema-valid.
        do { try await SchemaValidator.checkEverySubmittedFeed(sim) } catch { Issue.record(error) }
        await sim.stop()
        await pool.close()
        await db.drop()
    }

    /// `count` listed single products FLT-001…, priced 12.50 USD, 4 in stock.
    func insertProducts(_ count: Int) async throws {
        try await pool.execute(
            """
            INSERT INTO product_template (name, brand, list_price, currency, amazon_product_type, amazon_image_version)
            SELECT 'FLT-' || lpad(g::text, 3, '0'), 'Acme', 12.50, 'USD', 'PRODUCT', 'v1' FROM generate_series(1, $1::int) g
            """, [count])
        try await pool.execute(
            """
            INSERT INTO product (default_code, name, template_id, amazon_sync_active)
            SELECT t.name, 'Item ' || t.name, t.id, true FROM product_template t ORDER BY t.id
            """)
        try await pool.execute("INSERT INTO stock_quant (product_id, location_id, quantity) SELECT id, 1, 4 FROM product")
    }

    /// Enqueues a catalog sync of the account; returns its job id.
    func enqueueSync(_ payload: String = fastPayload) async throws -> Int64 {
        try await pool.query(
            "SELECT marketplace_enqueue('amazon.catalog_sync', $1::jsonb, account_id => $2) AS id",
            [PostgresJSON(text: payload), account]
        ).first!.decode(Int64.self, "id")
    }

    /// Waits until no job is pending or running (the bound only catches a hang).
    func settle(timeout: Duration = .seconds(90)) async throws -> Bool {
        try await eventually(timeout: timeout, every: .milliseconds(50)) {
            try await count("SELECT count(*) AS n FROM marketplace_job WHERE state IN ('pending', 'running')") == 0
        }
    }

    func count(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> Int {
        try await pool.query(sql, parameters).first!.decode(Int.self, "n")
    }

    func row(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> PostgresRow? {
        try await pool.query(sql, parameters).first
    }

    /// The job's row: state, attempts, error and the kinds of its errors history, in order.
    func job(_ id: Int64) async throws -> (state: String, attempts: Int, error: String?, kinds: [String], due: Bool) {
        let row = try await pool.query(
            """
            SELECT state, attempts, error, next_run_at > now() AS due_later,
                   coalesce((SELECT string_agg(e->>'kind', ',' ORDER BY o) FROM jsonb_array_elements(errors) WITH ORDINALITY AS x(e, o)), '') AS kinds
              FROM marketplace_job WHERE id = $1
            """, [id]
        ).first!
        return (
            row["state"]!, try row.decode(Int.self, "attempts"), row["error"],
            row["kinds"]!.split(separator: ",").map(String.init), try row.decode(Bool.self, "due_later")
        )
    }

    /// Every job row's text (payload, result, error, errors) and every sync row's text, for secret greps.
    func allRowText() async throws -> String {
        let jobs = try await pool.query(
            """
            SELECT coalesce(string_agg(payload::text || coalesce(result::text, '') || coalesce(error, '') || errors::text, ''), '') AS t
              FROM marketplace_job
            """
        ).first!["t"]!
        let syncs = try await pool.query(
            "SELECT coalesce(string_agg(coalesce(sync_message, '') || sync_values::text, ''), '') AS t FROM amazon_product_sync"
        ).first!["t"]!
        return jobs + syncs
    }
}
