import Foundation
import JobQueue
import MarketplaceSim
import Postgres
import TestSupport
import Testing
import Zortout

@Suite("Zortout operator actions (jobctl zortout)")
struct ZortoutOperationsTests {
    @Test func accountWarehousesCheckAndPull() async throws {
        let catalogue = ZortoutCatalogue.seeded(size: 20)
        let fixture = try await ZortoutFixture.start(label: "zops", catalogue: catalogue)
        try await withTeardown(await fixture.stop()) {
            try await fixture.insertProducts(skus: catalogue.products.filter(\.isMatchableGoods).map { $0.sku! })
            let account = try await fixture.insertAccount(settings: ["warehouse_code": "W0001"], name: "Zortout TH")
            try await fixture.pool.execute("INSERT INTO marketplace_account (name, marketplace) VALUES ('Shopee TH', 'shopee')")
            let operations = ZortoutOperations(database: fixture.pool)

            #expect(try await operations.account("Zortout TH").id == account)
            #expect(try await operations.account(String(account)).name == "Zortout TH")
            await #expect(throws: JobAdminError.self) { try await operations.account("nobody") }
            await #expect(throws: JobAdminError.self) { try await operations.account("Shopee TH") }

            let zortout = try await operations.account("Zortout TH")
            let warehouses = try await operations.warehouses(of: zortout)
            #expect(warehouses.map(\.code) == ["W0001", "ODS001"])
            #expect(warehouses.map(\.name) == ["Bangkok", "Online stock"])

            let mapped = try await operations.checkWarehouse("ODS001", account: zortout)
            #expect(mapped.exists)
            #expect(mapped.zortoutName == "Online stock")
            #expect(mapped.target?.id == fixture.online)
            let unknown = try await operations.checkWarehouse("W0404", account: zortout)
            #expect(!unknown.exists)
            #expect(unknown.knownCodes == ["W0001", "ODS001"])
            #expect(unknown.target == nil)

            // "Pull Stock" twice while pending queues one job.
            let first = try await operations.enqueuePull(account: zortout, warehouseCode: "ODS001", skus: nil)
            let again = try await operations.enqueuePull(account: zortout, warehouseCode: "ODS001", skus: nil)
            #expect(first == again)
            let payload = try await fixture.pool.query("SELECT payload::text AS p FROM marketplace_job WHERE id = $1", [first])
                .first?["p"]
            #expect(payload == #"{"warehouse_code": "ODS001"}"#)
            try await fixture.drain()
            let outcome = try #require(try await operations.waitForJob(id: first, timeout: .seconds(5)))
            #expect(outcome.state == "done")
            let result = try #require(outcome.result.flatMap(PullStockJob.describe(result:)))
            #expect(result.contains("ODS001 → location \(fixture.online) WH/Online"))
            #expect(result.contains("updated:    \(catalogue.products.filter(\.isMatchableGoods).count)"))
        }
    }

    @Test func warehousesWithBadCredentialsQuoteTheNestedResDesc() async throws {
        let fixture = try await ZortoutFixture.start(
            label: "zopscreds", catalogue: .seeded(size: 5),
            faults: ZortoutFaults(rejectCredentials: true))
        try await withTeardown(await fixture.stop()) {
            let account = try await fixture.insertAccount()
            let operations = ZortoutOperations(database: fixture.pool)
            do {
                _ = try await operations.warehouses(of: try await operations.account(String(account)))
                Issue.record("expected a rejection")
            } catch let error as ZortoutError {
                #expect("\(error)".contains("resCode 401: Unauthorized"))
                #expect("\(error)".contains("GET http://127.0.0.1:\(fixture.simulator.port)/v4/Warehouse/GetWarehouses"))
            }
        }
    }
}
