import Foundation
import JobQueue
import MarketplaceSim
import Postgres
import TestSupport
import Testing
import Zortout

@Suite("zortout.pull_stock against PostgreSQL and the simulator")
struct PullStockTests {
    @Test func fullPullSetsAvailableStockAndRerunChangesNothing() async throws {
        let catalogue = ZortoutCatalogue.seeded(size: 2_000)
        let fixture = try await ZortoutFixture.start(label: "zpullfull", catalogue: catalogue)
        try await withTeardown(await fixture.stop()) {
            let goods = catalogue.products.filter(\.isMatchableGoods)
            try await fixture.insertProducts(skus: goods.map { $0.sku! })
            let account = try await fixture.insertAccount(settings: ["warehouse_code": "W0001"])

            let first = try await fixture.enqueuePull(account: account)
            try await fixture.drain()
            let row = try await fixture.job(first)
            #expect(row.state == "done", "\(row.error ?? "")")
            let result = try #require(row.result)
            let quants = try await fixture.quants(location: fixture.bangkok)
            #expect(quants.count == goods.count)
            for product in goods {
                #expect(quants[product.sku!] == Decimal(product.availableStock(in: "W0001")), "\(product.sku!)")
            }
            let services = catalogue.products.filter { $0.productType == 1 }.count
            let skuless = catalogue.products.filter { $0.productType == 0 && ($0.sku ?? "").isEmpty }.count
            #expect(services == 80)
            #expect(skuless > 0)
            #expect(result.warehouseCode == "W0001")
            #expect(result.locationID == fixture.bangkok)
            #expect(result.mode == "catalogue")
            #expect(result.pages == 4)
            #expect(result.fetched == 2_000)
            #expect(result.updated == goods.count)
            #expect(result.unchanged == 0)
            #expect(result.skippedService == services)
            #expect(result.skippedNoSKU == skuless)
            #expect(result.unknownSKUCount == 0)
            #expect(result.updated + result.skippedService + result.skippedNoSKU == result.fetched)
            let stats = await fixture.simulator.stats()
            #expect(stats.warehouseCodes.allSatisfy { $0 == "W0001" })
            #expect(
                try await fixture.count("SELECT count(*) AS n FROM stock_quant_audit WHERE job_id = $1", [first]) == goods.count)

            // The same pull again: nothing to write, nothing audited.
            let second = try await fixture.enqueuePull(account: account)
            try await fixture.drain()
            let again = try #require(try await fixture.job(second).result)
            #expect(again.updated == 0)
            #expect(again.unchanged == goods.count)
            #expect(try await fixture.count("SELECT count(*) AS n FROM stock_quant_audit") == goods.count)

            // A sale in Zortout: exactly that quant changes, with an audit row holding old and new.
            let sold = goods[7]
            await fixture.simulator.updateProduct(id: sold.id) { $0.availableStock["W0001"] = 3 }
            let third = try await fixture.enqueuePull(account: account)
            try await fixture.drain()
            #expect(try await fixture.job(third).result?.updated == 1)
            let audit = try #require(
                try await fixture.pool.query(
                    """
                    SELECT a.old_quantity::text AS old, a.new_quantity::text AS new FROM stock_quant_audit a
                      JOIN product p ON p.id = a.product_id WHERE a.job_id = $1
                    """, [third]
                ).first)
            #expect(audit["old"] == String(sold.availableStock(in: "W0001")))
            #expect(audit["new"] == "3")
        }
    }

    @Test func skipAndReportRules() async throws {
        // 60 seeded items: SKU-00001…, services SRV-00025/SRV-00050, SKU-less items 30 ("") and 60 (no key).
        let catalogue = ZortoutCatalogue.seeded(size: 60)
        let fixture = try await ZortoutFixture.start(label: "zpullskip", catalogue: catalogue)
        try await withTeardown(await fixture.stop()) {
            let normal = catalogue.products.filter(\.isMatchableGoods).map { $0.sku! }
                .filter { !["SKU-00001", "SKU-00002", "SKU-00003", "SKU-00004", "SKU-00005", "SKU-00006"].contains($0) }
            try await fixture.insertProducts(skus: normal)
            _ = try await fixture.insertProduct(sku: "SKU-00001", type: "service", storable: false)
            _ = try await fixture.insertProduct(sku: "SKU-00002", type: "consu", storable: false)
            _ = try await fixture.insertProduct(sku: "SKU-00003", type: "combo", storable: false)
            _ = try await fixture.insertProduct(sku: "SKU-00004", active: false)
            // SKU-00005 and SKU-00006: no local product → unknown.
            _ = try await fixture.insertProduct(sku: "SRV-00025")  // local goods, but Zortout says service
            _ = try await fixture.insertProduct(sku: nil)  // a local product without a SKU is never touched
            let account = try await fixture.insertAccount(settings: ["stock_location_id": fixture.shop])

            let job = try await fixture.enqueuePull(account: account)
            try await fixture.drain()
            let row = try await fixture.job(job)
            #expect(row.state == "done", "\(row.error ?? "")")
            let result = try #require(row.result)
            #expect(result.warehouseCode == nil)
            #expect(result.locationID == fixture.shop)
            #expect(result.fetched == 60)
            #expect(result.updated == normal.count)
            #expect(result.skippedService == 1 + 2)  // local service + two Zortout services
            #expect(result.skippedNotStorable == 2)  // consu not storable, combo
            #expect(result.skippedInactive == 1)
            #expect(result.skippedNoSKU == 2)
            #expect(result.unknownSKUCount == 2)
            #expect(result.unknownSKU == ["SKU-00005", "SKU-00006"])
            #expect(result.missingInZortout.isEmpty)

            let quants = try await fixture.quants(location: fixture.shop)
            #expect(Set(quants.keys) == Set(normal))
            // No warehouse code in force: stock summed over all warehouses.
            let summed = catalogue.products.first { $0.sku == normal[0] }!.availableStock(in: nil)
            #expect(quants[normal[0]] == Decimal(summed))
            #expect(try await fixture.count("SELECT count(*) AS n FROM stock_quant WHERE location_id <> $1", [fixture.shop]) == 0)
        }
    }

    @Test func shortSKUListSearchesEachSKUAndMatchesExactly() async throws {
        let catalogue = ZortoutCatalogue.handMade([
            (sku: "A1", type: 0, bangkok: 5, online: 50), (sku: "A10", type: 0, bangkok: 6, online: 60),
            (sku: "A11", type: 0, bangkok: 7, online: 70), (sku: "B2", type: 0, bangkok: 8, online: 80),
            (sku: "C3", type: 0, bangkok: 9, online: 90),
        ])
        let fixture = try await ZortoutFixture.start(label: "zpullsku", catalogue: catalogue)
        try await withTeardown(await fixture.stop()) {
            try await fixture.insertProducts(skus: ["A1", "A10", "A11", "B2", "C3"])
            let account = try await fixture.insertAccount(settings: ["warehouse_code": "W0001"])

            // The payload's warehouse wins over the account's.
            let job = try await fixture.enqueuePull(
                account: account,
                payload: #"{"warehouse_code": "ODS001", "sku_list": ["A1", "B2", "ZZ9"]}"#)
            try await fixture.drain()
            let row = try await fixture.job(job)
            #expect(row.state == "done", "\(row.error ?? "")")
            let result = try #require(row.result)
            #expect(result.mode == "search")
            #expect(result.warehouseCode == "ODS001")
            #expect(result.locationID == fixture.online)
            #expect(result.updated == 2)
            #expect(result.missingInZortout == ["ZZ9"])
            #expect(try await fixture.quants(location: fixture.online) == ["A1": 50, "B2": 80])
            let stats = await fixture.simulator.stats()
            #expect(stats.searchedSKUs == ["A1", "B2", "ZZ9"])
            #expect(stats.requests == 3)
            #expect(stats.warehouseCodes == ["ODS001", "ODS001", "ODS001"])
        }
    }

    @Test func longSKUListPagesTheCatalogueAndFilters() async throws {
        let catalogue = ZortoutCatalogue.seeded(size: 1_200)
        let fixture = try await ZortoutFixture.start(label: "zpulllong", catalogue: catalogue)
        try await withTeardown(await fixture.stop()) {
            try await fixture.insertProducts(skus: catalogue.products.filter(\.isMatchableGoods).map { $0.sku! })
            let account = try await fixture.insertAccount(settings: ["warehouse_code": "ODS001", "stock_field": "stock"])
            let job = try await fixture.enqueuePull(
                account: account,
                payload: #"{"sku_list": ["SKU-00002", "SKU-01111", "SKU-00701", "NOPE"]}"#)
            try await fixture.drain(handler: PullStockJob(searchThreshold: 2))
            let result = try #require(try await fixture.job(job).result)
            #expect(result.mode == "catalogue")
            #expect(result.pages == 3)
            #expect(result.fetched == 3)
            #expect(result.updated == 3)
            #expect(result.stockField == "stock")
            #expect(result.missingInZortout == ["NOPE"])
            let quants = try await fixture.quants(location: fixture.online)
            #expect(quants.count == 3)
            let product = catalogue.products.first { $0.sku == "SKU-01111" }!
            #expect(quants["SKU-01111"] == Decimal(product.stock(in: "ODS001")))
            #expect(await fixture.simulator.stats().searchedSKUs.isEmpty)
        }
    }

    @Test func unmappedWarehouseFailsNamingCodeAndLocations() async throws {
        let fixture = try await ZortoutFixture.start(label: "zpullnoloc", catalogue: .seeded(size: 10))
        try await withTeardown(await fixture.stop()) {
            let account = try await fixture.insertAccount()
            let job = try await fixture.enqueuePull(account: account, payload: #"{"warehouse_code": "W0099"}"#)
            let noCode = try await fixture.enqueuePull(account: account)
            try await fixture.drain()
            let row = try await fixture.job(job)
            #expect(row.state == "failed")
            #expect(row.attempts == 1)
            let error = try #require(row.error)
            #expect(error.contains("'W0099'"))
            #expect(error.contains("WH/Bangkok") && error.contains("W0001") && error.contains("Shop floor"))
            let other = try await fixture.job(noCode)
            #expect(other.state == "failed")
            #expect(other.error?.contains("stock_location_id") == true)
            #expect(await fixture.simulator.stats().requests == 0)
        }
    }

    @Test func unknownPayloadKeyFailsNamingTheKey() async throws {
        let fixture = try await ZortoutFixture.start(label: "zpullkey", catalogue: .seeded(size: 10))
        try await withTeardown(await fixture.stop()) {
            let account = try await fixture.insertAccount(settings: ["warehouse_code": "W0001"])
            let job = try await fixture.enqueuePull(account: account, payload: #"{"warehouse": "ODS001"}"#)
            let badSKU = try await fixture.enqueuePull(account: account, payload: #"{"sku_list": ["A1", ""]}"#)
            try await fixture.drain()
            let row = try await fixture.job(job)
            #expect(row.state == "failed")
            #expect(row.attempts == 1)
            #expect(row.error?.contains("unknown key 'warehouse'") == true, "\(row.error ?? "")")
            let other = try await fixture.job(badSKU)
            #expect(other.state == "failed")
            #expect(other.error?.contains("sku_list[1]") == true, "\(other.error ?? "")")
        }
    }

    @Test func failureMidPullLeavesWholePages() async throws {
        let catalogue = ZortoutCatalogue.seeded(size: 1_200)
        // Page 1 is served, page 2 gets a 500; one attempt only, so the job fails there.
        let fixture = try await ZortoutFixture.start(
            label: "zpullmid", catalogue: catalogue,
            faults: ZortoutFaults(afterRequests: 1, internalErrors: 1))
        try await withTeardown(await fixture.stop()) {
            try await fixture.insertProducts(skus: catalogue.products.filter(\.isMatchableGoods).map { $0.sku! })
            let account = try await fixture.insertAccount(settings: ["warehouse_code": "W0001"])
            let job = try await fixture.enqueuePull(account: account, maxAttempts: 1)
            try await fixture.drain()
            let row = try await fixture.job(job)
            #expect(row.state == "failed")
            #expect(row.error?.contains("page 2") == true, "\(row.error ?? "")")
            #expect(row.error?.contains("HTTP 500") == true)
            let firstPageGoods = catalogue.products.prefix(500).filter(\.isMatchableGoods).count
            #expect(try await fixture.count("SELECT count(*) AS n FROM stock_quant") == firstPageGoods)
        }
    }

    @Test func quotaNoticeNextToDataIsSuccess() async throws {
        let catalogue = ZortoutCatalogue.seeded(size: 30)
        let fixture = try await ZortoutFixture.start(
            label: "zpullquota", catalogue: catalogue,
            faults: ZortoutFaults(quotaNotice: true))
        try await withTeardown(await fixture.stop()) {
            try await fixture.insertProducts(skus: catalogue.products.filter(\.isMatchableGoods).map { $0.sku! })
            let account = try await fixture.insertAccount(settings: ["warehouse_code": "W0001"])
            let job = try await fixture.enqueuePull(account: account)
            try await fixture.drain()
            let row = try await fixture.job(job)
            #expect(row.state == "done", "\(row.error ?? "")")
            #expect(row.result?.updated == catalogue.products.filter(\.isMatchableGoods).count)
        }
    }
}
