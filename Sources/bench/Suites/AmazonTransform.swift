import Amazon
import Foundation
import Postgres

/// Issue 9: "transforming 100,000 pending operations into sync rows ≤ 2 s".
/// The ERP's way, by SQL through migration 0006's triggers: 50,000 listed
/// products (50,000 `create` operations), then one stock row each (50,000
/// `write` operations of their quantity), vacuumed and checkpointed. The timed
/// part is `CatalogStore.transformPending()`, what `amazon.catalog_sync` runs
/// first: two transactions of 50,000 operations, each reading its batch
/// `FOR UPDATE SKIP LOCKED`, running the rules, upserting the sync rows and
/// marking the operations processed. Checked from the rows: every operation
/// processed, one create per product (each stock write merged into it).
/// Median of `runs` (each on freshly inserted operations).
struct AmazonTransform: BenchSuite {
    let name = "amazon transform"
    static let target = "100,000 pending product operations transformed into sync rows ≤ 2 s (release)"
    var targets: [(issue: Int, target: String)] { [(9, Self.target)] }
    static let products = 50_000

    func unavailableReason(_ context: BenchContext) -> String? { nil }

    func run(_ context: BenchContext) async throws -> SuiteOutcome {
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: context.database.conninfo, applicationName: "bench-amazon"),
            maxConnections: 2)
        do {
            let outcome = try await measure(context, pool: pool)
            await pool.close()
            return outcome
        } catch {
            await pool.close()
            throw error
        }
    }

    private func measure(_ context: BenchContext, pool: PostgresPool) async throws -> SuiteOutcome {
        let connection = context.database.connection
        let store = CatalogStore(database: pool)
        var seconds = Sample()
        for round in 1...max(context.runs, 1) {
            try await AmazonCatalogReset.run(connection)
            try await connection.execute(
                """
                INSERT INTO product (default_code, name, amazon_sync_active)
                SELECT 'T-' || g, 'Transform ' || g, true FROM generate_series(1, $1::int) g
                """, [Self.products])
            try await connection.execute(
                "INSERT INTO stock_quant (product_id, location_id, quantity) SELECT id, 1, 3 FROM product")
            try await connection.execute("VACUUM (ANALYZE) amazon_product_operation")
            try await connection.execute("VACUUM (ANALYZE) product")
            try await connection.execute("CHECKPOINT")
            let pending = try await count(
                connection, "SELECT count(*) AS n FROM amazon_product_operation WHERE sync_timestamp IS NULL")
            guard pending == 2 * Self.products else { throw BenchError("transform setup: \(pending) pending operations") }
            let start = ContinuousClock.now
            let outcome = try await store.transformPending()
            let elapsed = (ContinuousClock.now - start).seconds
            let creates = try await count(connection, "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_type = 'create'")
            let rows = try await count(connection, "SELECT count(*) AS n FROM amazon_product_sync")
            let left = try await count(
                connection, "SELECT count(*) AS n FROM amazon_product_operation WHERE sync_timestamp IS NULL")
            guard outcome.operations == pending, creates == Self.products, rows == Self.products, left == 0 else {
                throw BenchError(
                    "transform: \(outcome.operations) operations, \(creates) creates, \(rows) rows, \(left) left pending")
            }
            seconds.add(elapsed)
            context.progress("  round \(round): \(String(format: "%.3f", elapsed)) s (\(outcome.batches) transactions)")
        }
        try await AmazonCatalogReset.run(connection)
        let median = seconds.median
        let section = [
            "### Amazon: 100,000 pending operations → sync rows",
            "",
            "50,000 listed products inserted by SQL (a `create` each) and a stock row each (a quantity `write` each),",
            "through the triggers; `CatalogStore.transformPending()` timed; 50,000 `create` rows result.",
            "",
            "| rounds | median | min | max |",
            "|---|---|---|---|",
            "| \(seconds.values.count) | \(String(format: "%.3f", median)) s | \(String(format: "%.3f", seconds.min)) s | \(String(format: "%.3f", seconds.max)) s |",
        ]
        let result = TargetResult.check(
            issue: 9, Self.target, measured: "\(String(format: "%.3f", median)) s", value: median, bound: 2, atLeast: false,
            format: { String(format: "%.3f s", $0) })
        return SuiteOutcome(section: section, targets: [result])
    }

    private func count(_ connection: PostgresConnection, _ sql: String) async throws -> Int {
        try await connection.query(sql).first!.decode(Int.self, "n")
    }
}
