import Amazon
import Foundation
import Testing

/// 100,000 pending operations become sync rows, each operation processed once.
/// (The figure for docs/BENCHMARKS.md is measured in release; this test only
/// checks the outcome, and prints the time for the curious.)
@Suite struct TransformVolumeTests {
    @Test func aHundredThousandPendingOperations() async throws {
        let f = try await CatalogFixture.start("amzvolume")
        defer { Task { await f.stop() } }
        try await f.pool.execute(
            """
            INSERT INTO product (default_code, name, amazon_sync_active) SELECT 'V-' || g, 'Volume ' || g, true FROM generate_series(1, 50000) g
            """)
        try await f.pool.execute("INSERT INTO stock_quant (product_id, location_id, quantity) SELECT id, 1, 3 FROM product")
        #expect(try await f.count("SELECT count(*) AS n FROM amazon_product_operation WHERE sync_timestamp IS NULL") == 100_000)
        let started = ContinuousClock.now
        let outcome = try await f.store.transformPending()
        print("transformed 100,000 operations in \(ContinuousClock.now - started)")
        #expect(outcome.operations == 100_000 && outcome.batches == 2)
        #expect(
            try await f.count("SELECT count(*) AS n FROM amazon_product_sync WHERE sync_type = 'create'") == 50_000,
            "each stock write merged into its product's create")
        #expect(try await f.count("SELECT count(*) AS n FROM amazon_product_sync") == 50_000)
        #expect(try await f.count("SELECT count(*) AS n FROM amazon_product_operation WHERE sync_timestamp IS NULL") == 0)
    }
}
