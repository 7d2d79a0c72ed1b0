import Foundation
import MarketplaceSim
import TestSupport
import Testing
import Zortout

/// The figure for docs/BENCHMARKS.md: a 10,000-product pull (20 pages of 500)
/// against the simulator on loopback, first into empty quants, then the
/// unchanged re-run. Asserts correctness, prints timings; never asserts speed.
/// Off by default so the suite stays fast (a smaller pull in PullStockTests
/// covers the behaviour); run it with
///     MJ_BENCHMARK_TESTS=1 scripts/test --filter PullStockBenchmarkTests
@Suite("Zortout pull benchmark")
struct PullStockBenchmarkTests {
    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment["MJ_BENCHMARK_TESTS"] == "1",
            "the 10,000-product benchmark runs only with MJ_BENCHMARK_TESTS=1"))
    func tenThousandProducts() async throws {
        let catalogue = ZortoutCatalogue.seeded(size: 10_000)
        let fixture = try await ZortoutFixture.start(label: "zbench", catalogue: catalogue)
        try await withTeardown(await fixture.stop()) {
            let goods = catalogue.products.filter(\.isMatchableGoods)
            try await fixture.insertProducts(skus: goods.map { $0.sku! })
            let account = try await fixture.insertAccount(settings: ["warehouse_code": "ODS001"])

            var lines: [String] = []
            for run in ["first pull (all new)", "re-run (unchanged)"] {
                let job = try await fixture.enqueuePull(account: account)
                let clock = ContinuousClock.now
                try await fixture.drain()
                let wall = ContinuousClock.now - clock
                let result = try #require(try await fixture.job(job).result)
                #expect(result.fetched == 10_000)
                #expect(result.pages == 20)
                #expect(result.updated + result.unchanged == goods.count)
                lines.append(
                    "zortout benchmark: \(run): \(result.fetched) items, \(result.pages) pages, updated \(result.updated); handler \(result.durationMS) ms, PostgreSQL \(result.dbMS) ms, queue-to-done wall \(wall.components.seconds * 1000 + wall.components.attoseconds / 1_000_000_000_000_000) ms"
                )
            }
            let quants = try await fixture.quants(location: fixture.online)
            #expect(quants.count == goods.count)
            for line in lines { print(line) }
        }
    }
}
