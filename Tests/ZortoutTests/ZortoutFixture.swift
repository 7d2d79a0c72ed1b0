import Foundation
import HTTPClient
import JobQueue
import Logging
import MarketplaceSim
import Postgres
import TestSupport
import Testing
import Zortout

/// A fresh database, a simulator on 127.0.0.1 and a Zortout account pointing
/// at it: the real parts a stock-pull test needs.
struct ZortoutFixture {
    /// Distinctive values, so the secrecy test can grep for them.
    static let credentials = ZortoutSimulator.Credentials(
        storeName: "store-SECRET-4f1c9", apiKey: "key-SECRET-8b2d7e", apiSecret: "secret-SECRET-93ac51")
    static var secretValues: [String] { [credentials.storeName, credentials.apiKey, credentials.apiSecret] }

    let db: TestDatabase
    let pool: PostgresPool
    let simulator: ZortoutSimulator
    /// Locations: W0001 → id 1, ODS001 → id 2, a location without a code → id 3.
    let bangkok: Int64 = 1
    let online: Int64 = 2
    let shop: Int64 = 3

    static func start(label: String, catalogue: ZortoutCatalogue, faults: ZortoutFaults = ZortoutFaults()) async throws
        -> ZortoutFixture
    {
        let db = try await TestDatabase.create(label: label)
        let simulator = try await ZortoutSimulator.start(catalogue: catalogue, credentials: credentials, faults: faults)
        let pool = db.pool(size: 4)
        try await pool.execute(
            """
            INSERT INTO stock_location (id, name, warehouse_code) OVERRIDING SYSTEM VALUE
            VALUES (1, 'WH/Bangkok', 'W0001'), (2, 'WH/Online', 'ODS001'), (3, 'Shop floor', NULL)
            """)
        return ZortoutFixture(db: db, pool: pool, simulator: simulator)
    }

    func stop() async {
        await simulator.stop()
        await pool.close()
        await db.drop()
    }

    /// One storable goods product per SKU.
    func insertProducts(skus: [String]) async throws {
        try await pool.execute(
            """
            INSERT INTO product (default_code, name, type, is_storable)
            SELECT sku, 'Local ' || sku, 'consu', true FROM unnest($1::text[]) AS t(sku)
            """, [skus])
    }

    func insertProduct(sku: String?, type: String = "consu", storable: Bool = true, active: Bool = true) async throws -> Int64 {
        try await pool.query(
            """
            INSERT INTO product (default_code, name, type, is_storable, active) VALUES ($1, $2, $3, $4, $5) RETURNING id
            """, [sku, "Local \(sku ?? "no SKU")", type, storable, active]
        ).first!.decode(Int64.self, "id")
    }

    /// Creates the Zortout account; `settings` is merged over `base_url`.
    func insertAccount(
        settings: [String: Any] = [:], credentials: ZortoutSimulator.Credentials = ZortoutFixture.credentials,
        name: String = "Zortout main"
    ) async throws -> Int64 {
        var all: [String: Any] = ["base_url": simulator.baseURL.absoluteString]
        all.merge(settings) { $1 }
        let settingsJSON = String(decoding: try JSONSerialization.data(withJSONObject: all), as: UTF8.self)
        let credentialsJSON = String(
            decoding: try JSONSerialization.data(withJSONObject: [
                "store_name": credentials.storeName, "api_key": credentials.apiKey, "api_secret": credentials.apiSecret,
            ]), as: UTF8.self)
        return try await pool.query(
            """
            INSERT INTO marketplace_account (name, marketplace, settings, credentials)
            VALUES ($1, 'zortout', $2::jsonb, $3::jsonb) RETURNING id
            """, [name, PostgresJSON(text: settingsJSON), PostgresJSON(text: credentialsJSON)]
        ).first!.decode(Int64.self, "id")
    }

    func enqueuePull(account: Int64, payload: String = "{}", maxAttempts: Int = 5) async throws -> Int64 {
        try await pool.query(
            "SELECT marketplace_enqueue('zortout.pull_stock', $1::jsonb, account_id => $2, max_attempts => $3) AS id",
            [PostgresJSON(text: payload), account, maxAttempts]
        ).first!.decode(Int64.self, "id")
    }

    func registry(_ handler: PullStockJob = PullStockJob()) -> HandlerRegistry {
        var registry = HandlerRegistry()
        registry.register(handler)
        return registry
    }

    func worker(exitWhenIdle: Bool = true, handler: PullStockJob = PullStockJob()) -> Worker {
        Worker(
            configuration: WorkerConfiguration(
                database: db.configuration, concurrency: 2, exitWhenIdle: exitWhenIdle,
                leaseDuration: .seconds(10), pollInterval: .milliseconds(100),
                retryPolicy: RetryPolicy(base: .milliseconds(50), cap: .milliseconds(200), jitter: 0)),
            registry: registry(handler), http: URLSessionHTTPClient(), logger: Logger(label: "zortout-test"))
    }

    /// Runs the queue until it is idle (every job done or failed, none due).
    /// The bound only turns a worker that never goes idle into a failure
    /// instead of a hung suite: generous, because the whole suite runs in
    /// parallel on 2 cores (one loaded run needed 31 s for these drains).
    func drain(handler: PullStockJob = PullStockJob(), limit: Duration = .seconds(120)) async throws {
        let worker = worker(handler: handler)
        let exited = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await worker.run(); return true
            }
            group.addTask {
                try await Task.sleep(for: limit); return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !exited { Issue.record("the worker (exitWhenIdle) did not exit within \(limit) of the queue going idle") }
    }

    /// Runs a worker that stays up (so retries scheduled a moment ahead are
    /// picked up) until the job ends.
    func runUntilFinished(job: Int64, timeout: Duration = .seconds(120)) async throws -> JobRow {
        let worker = worker(exitWhenIdle: false)
        let task = Task { try await worker.run() }
        do {
            _ = try await eventually(timeout: timeout) { ["done", "failed"].contains(try await self.job(job).state) }
        } catch {
            await stopAndWait(task)
            throw error
        }
        await stopAndWait(task)
        return try await self.job(job)
    }

    struct JobRow {
        var state: String
        var attempts: Int
        var error: String?
        var errors: String
        var result: PullStockResult?
        var resultText: String?
    }

    func job(_ id: Int64) async throws -> JobRow {
        let row = try await pool.query(
            "SELECT state, attempts, error, errors::text AS errors, result::text AS result FROM marketplace_job WHERE id = $1",
            [id]
        ).first!
        let resultText = row["result"]
        return JobRow(
            state: try row.decode(String.self, "state"), attempts: try row.decode(Int.self, "attempts"),
            error: row["error"], errors: try row.decode(String.self, "errors"),
            result: resultText.flatMap { try? JSONDecoder().decode(PullStockResult.self, from: Data($0.utf8)) },
            resultText: resultText)
    }

    /// SKU → quantity at a location.
    func quants(location: Int64) async throws -> [String: Decimal] {
        let rows = try await pool.query(
            """
            SELECT p.default_code, q.quantity::text AS quantity FROM stock_quant q JOIN product p ON p.id = q.product_id
             WHERE q.location_id = $1
            """, [location])
        var quants: [String: Decimal] = [:]
        for row in rows.rows { quants[row["default_code"] ?? "(null)"] = try row.decode(Decimal.self, "quantity") }
        return quants
    }

    func count(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> Int {
        try await pool.query(sql, parameters).first!.decode(Int.self, "n")
    }
}

extension ZortoutCatalogue {
    /// A small hand-made catalogue for filter tests.
    static func handMade(_ items: [(sku: String?, type: Int, bangkok: Int, online: Int)]) -> ZortoutCatalogue {
        ZortoutCatalogue(
            warehouses: ZortoutCatalogue.standardWarehouses,
            products: items.enumerated().map { index, item in
                ZortoutCatalogue.Product(
                    id: 1000 + index, sku: item.sku, name: "Item \(index)", productType: item.type,
                    stock: ["W0001": item.bangkok + 2, "ODS001": item.online + 1],
                    availableStock: ["W0001": item.bangkok, "ODS001": item.online])
            })
    }
}
