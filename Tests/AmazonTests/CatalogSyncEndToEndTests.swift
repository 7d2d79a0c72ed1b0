import Amazon
import Foundation
import HTTPClient
import JobQueue
import Logging
import MarketplaceSim
import Postgres
import TestSupport
import Testing
import Zortout

/// Issue 9, Done-when 3: a real worker, the Amazon and Zortout simulators on
/// 127.0.0.1, and products written by SQL as the ERP writes them.
@Suite(.serialized) struct CatalogSyncEndToEndTests {
    static let amazon = AmazonSimulatorConfiguration(
        clientID: "amzn1.application-oa2-client.e2e-SECRET", clientSecret: "client-SECRET-e2e-91ab",
        refreshToken: "Atzr|refresh-SECRET-e2e-0c", sellerID: "A2E2ESELLER")
    static let zortout = ZortoutSimulator.Credentials(
        storeName: "store-e2e", apiKey: "key-e2e-8b2d", apiSecret: "secret-e2e-93ac")

    @Test func twoHundredProductsThroughCreatesFollowUpsPriceStockAndUnlinks() async throws {
        let db = try await TestDatabase.create(label: "amze2e")
        let pool = db.pool(size: 4)
        let singles = (1...197).map { String(format: "E2E-%03d", $0) }
        // Zortout knows the first 20 single SKUs, with new online stock.
        let catalogue = ZortoutCatalogue(
            warehouses: ZortoutCatalogue.standardWarehouses,
            products: singles.prefix(20).enumerated().map { index, sku in
                ZortoutCatalogue.Product(
                    id: 500 + index, sku: sku, name: sku, stock: ["W0001": 0, "ODS001": 40 + index],
                    availableStock: ["W0001": 0, "ODS001": 30 + index])
            })
        let amazonSim = try await AmazonSimulator.start(configuration: Self.amazon)
        let zortoutSim = try await ZortoutSimulator.start(catalogue: catalogue, credentials: Self.zortout)
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
                registry.register(PullStockJob())
                return registry
            }(),
            http: URLSessionHTTPClient(), logger: logs.logger(level: .trace))
        let running = Task { try await worker.run() }
        defer {
            running.cancel()
            Task {
                await amazonSim.stop(); await zortoutSim.stop(); await pool.close(); await db.drop()
            }
        }

        // The ERP: accounts, a location, 197 single products, one shirt in three colours, 5 of each in stock.
        let amazonAccount = try await pool.query(
            """
            INSERT INTO marketplace_account (name, marketplace, settings, credentials) VALUES ('Amazon US', 'amazon',
              jsonb_build_object('seller_id', 'A2E2ESELLER', 'marketplace_ids', jsonb_build_array('ATVPDKIKX0DER'),
                                 'endpoint', $1::text, 'token_endpoint', $2::text, 'image_base_url', 'https://img.example.com',
                                 'currency', 'USD', 'default_product_type', 'PRODUCT'),
              jsonb_build_object('client_id', $3::text, 'client_secret', $4::text, 'refresh_token', $5::text)) RETURNING id
            """,
            [
                amazonSim.endpoint.absoluteString, amazonSim.tokenEndpoint.absoluteString, Self.amazon.clientID,
                Self.amazon.clientSecret, Self.amazon.refreshToken,
            ]
        ).first!.decode(Int64.self, "id")
        let zortoutAccount = try await pool.query(
            """
            INSERT INTO marketplace_account (name, marketplace, settings, credentials) VALUES ('Zortout', 'zortout',
              jsonb_build_object('base_url', $1::text, 'warehouse_code', 'ODS001'),
              jsonb_build_object('store_name', $2::text, 'api_key', $3::text, 'api_secret', $4::text)) RETURNING id
            """, [zortoutSim.baseURL.absoluteString, Self.zortout.storeName, Self.zortout.apiKey, Self.zortout.apiSecret]
        ).first!.decode(Int64.self, "id")
        try await pool.execute(
            "INSERT INTO stock_location (id, name, warehouse_code) OVERRIDING SYSTEM VALUE VALUES (1, 'WH/Online', 'ODS001')")
        try await pool.execute(
            """
            INSERT INTO product_template (name, brand, list_price, currency, amazon_product_type, amazon_image_version)
            SELECT sku, 'Acme', 10.99, 'USD', 'PRODUCT', 'v1' FROM unnest($1::text[]) AS t(sku)
            """, [singles])
        try await pool.execute(
            """
            INSERT INTO product (default_code, name, template_id, amazon_sync_active)
            SELECT t.name, 'Item ' || t.name, t.id, true FROM product_template t ORDER BY t.id
            """)
        let family = try await pool.query(
            """
            INSERT INTO product_template (name, brand, list_price, currency, default_code, amazon_product_type,
                                          amazon_variation_theme, amazon_sync_active, amazon_image_version)
            VALUES ('Shirt', 'Acme', 19.99, 'USD', 'E2E-SHIRT', 'SHIRT', 'COLOR', true, 'p1') RETURNING id
            """
        ).first!.decode(Int64.self, "id")
        try await pool.execute(
            """
            INSERT INTO product (default_code, name, template_id, amazon_sync_active, variation_values)
            SELECT 'E2E-SHIRT-' || c, 'Shirt ' || c, $1, true, jsonb_build_object('color', c) FROM unnest(ARRAY['Red', 'Blue', 'Green']) AS c
            """, [family])
        try await pool.execute("INSERT INTO stock_quant (product_id, location_id, quantity) SELECT id, 1, 5 FROM product")
        #expect(try await count(pool, "SELECT count(*) AS n FROM product WHERE amazon_sync_active") == 200)

        let fast = #"{"first_poll_seconds": 0.05, "poll_seconds": 0.05}"#
        // 1. The creates, then (after their report) the follow-ups.
        try await syncAndSettle(pool, account: amazonAccount, payload: fast)
        #expect(
            try await count(
                pool, "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_type = 'create' AND sync_status = 'Success'")
                == 201)
        #expect(
            try await count(
                pool, "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_type <> 'create' AND sync_status = 'Success'")
                == 197 * 3 + 3 * 3 + 2,
            "price, inventory, image per product; price, inventory, relationship per child; parent relationship and image")
        let first = try #require(await amazonSim.listing(sku: "E2E-007"))
        #expect(
            first.price == Decimal(string: "10.99") && first.quantity == 5
                && first.mainImage == "https://img.example.com/E2E-007/v1/main.jpg")
        #expect(await amazonSim.listing(sku: "E2E-SHIRT-Blue")?.parentSKU == "E2E-SHIRT")
        #expect(await amazonSim.listing(sku: "E2E-SHIRT")?.parentageLevel == "parent")

        // 2. Price changes (E2E-050 Amazon rejects), and stock from a Zortout pull.
        await amazonSim.setSKUIssues([AmazonSKUIssue(sku: "E2E-050")])
        try await pool.execute("UPDATE product_template SET list_price = 25.50 WHERE name IN ('E2E-001', 'E2E-002', 'E2E-050')")
        try await pool.execute("UPDATE product SET price_override = 17.25 WHERE default_code = 'E2E-SHIRT-Red'")
        let pull = try await pool.query(
            "SELECT marketplace_enqueue('zortout.pull_stock', '{}', account_id => $1) AS id", [zortoutAccount]
        )
        .first!.decode(Int64.self, "id")
        #expect(
            try await eventually(timeout: .seconds(60)) {
                try await pool.query("SELECT state FROM marketplace_job WHERE id = $1", [pull]).first?["state"] == "done"
            })
        try await syncAndSettle(pool, account: amazonAccount, payload: fast)
        #expect(await amazonSim.listing(sku: "E2E-001")?.price == Decimal(string: "25.50"))
        #expect(await amazonSim.listing(sku: "E2E-SHIRT-Red")?.price == Decimal(string: "17.25"))
        #expect(await amazonSim.listing(sku: "E2E-050")?.price == Decimal(string: "10.99"), "the rejected price did not apply")
        #expect(await amazonSim.listing(sku: "E2E-003")?.quantity == 32, "the Zortout pull's available stock reached Amazon")
        #expect(await amazonSim.listing(sku: "E2E-100")?.quantity == 5)
        let rejected = try #require(
            try await pool.query(
                """
                SELECT s.sync_status, s.sync_message FROM amazon_product_sync s JOIN product p ON p.id = s.record_id
                 WHERE s.model_name = 'product_product' AND p.default_code = 'E2E-050' AND s.sync_type = 'price'
                """
            ).first)
        #expect(rejected["sync_status"] == "Failure" && rejected["sync_message"]?.contains("batteries_required") == true)

        // 3. Three unlinks.
        await amazonSim.setSKUIssues([])
        try await pool.execute("DELETE FROM product WHERE default_code IN ('E2E-010', 'E2E-011', 'E2E-012')")
        try await syncAndSettle(pool, account: amazonAccount, payload: fast)
        for sku in ["E2E-010", "E2E-011", "E2E-012"] { #expect(await amazonSim.listing(sku: sku)?.deleted == true) }
        #expect(
            try await count(
                pool, "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_type = 'delete' AND sync_status = 'Success'") == 3
        )
        #expect(try await count(pool, "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_status = 'Failure'") == 1)
        #expect(try await count(pool, "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_status = 'New'") == 0)

        // 4. Nothing new: no feed.
        let feedsBefore = await amazonSim.feeds().count
        let job = try await syncAndSettle(pool, account: amazonAccount, payload: fast)
        #expect(await amazonSim.feeds().count == feedsBefore)
        let result = try await pool.query("SELECT result->'feeds' AS feeds FROM marketplace_job WHERE id = $1", [job]).first?[
            "feeds"]
        #expect(result == "[]")
        #expect(try await count(pool, "SELECT count(*) AS n FROM marketplace_job WHERE state = 'failed'") == 0)

        // Every feed the jobs uploaded is valid against the official schema.
        #expect(try await SchemaValidator.checkEverySubmittedFeed(amazonSim) == feedsBefore)

        // Secrets appear in no log line, job row or sync row.
        let issued = await amazonSim.issuedTokens()
        let rows =
            try await pool.query(
                """
                SELECT coalesce(string_agg(payload::text || coalesce(result::text, '') || coalesce(error, '') || errors::text, ''), '') AS t FROM marketplace_job
                """
            ).first!["t"]!
            + (try await pool.query(
                "SELECT coalesce(string_agg(coalesce(sync_message, '') || sync_values::text, ''), '') AS t FROM amazon_product_sync"
            ).first!["t"]!)
        let text = logs.text + rows
        #expect(!issued.isEmpty)
        for secret in [Self.amazon.clientSecret, Self.amazon.refreshToken, Self.zortout.apiSecret] + issued {
            #expect(!text.contains(secret))
        }
    }

    /// Enqueues a catalog sync and waits until the queue has nothing pending or running.
    @discardableResult
    func syncAndSettle(_ pool: PostgresPool, account: Int64, payload: String) async throws -> Int64 {
        let job = try await pool.query(
            "SELECT marketplace_enqueue('amazon.catalog_sync', $1::jsonb, account_id => $2) AS id",
            [PostgresJSON(text: payload), account]
        ).first!.decode(Int64.self, "id")
        let settled = try await eventually(timeout: .seconds(90), every: .milliseconds(100)) {
            try await count(pool, "SELECT count(*) AS n FROM marketplace_job WHERE state IN ('pending', 'running')") == 0
        }
        #expect(settled, "the queue did not settle")
        let failed = try await pool.query("SELECT job_type, error FROM marketplace_job WHERE state = 'failed'").rows
        #expect(failed.isEmpty, "\(failed.map { "\($0["job_type"] ?? ""): \($0["error"] ?? "")" })")
        return job
    }

    func count(_ pool: PostgresPool, _ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> Int {
        try await pool.query(sql, parameters).first!.decode(Int.self, "n")
    }
}
