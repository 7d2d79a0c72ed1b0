import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing
import Zortout

/// The credentials must not leak anywhere an operator or a log shipper can
/// see: the real `worker` at trace level, the job rows, and `jobctl` output.
@Suite("Zortout secrets stay secret")
struct ZortoutSecrecyTests {
    @Test func credentialsAppearInNoLogJobRowOrJobctlOutput() async throws {
        let catalogue = ZortoutCatalogue.seeded(size: 50)
        let fixture = try await ZortoutFixture.start(label: "zsecret", catalogue: catalogue)
        try await withTeardown(await fixture.stop()) {
            try await fixture.insertProducts(skus: catalogue.products.filter(\.isMatchableGoods).map { $0.sku! })
            let good = try await fixture.insertAccount(settings: ["warehouse_code": "W0001"], name: "Zortout good")
            let wrong = ZortoutSimulator.Credentials(
                storeName: ZortoutFixture.credentials.storeName,
                apiKey: ZortoutFixture.credentials.apiKey, apiSecret: "other-SECRET-77d1e0")
            let bad = try await fixture.insertAccount(
                settings: ["warehouse_code": "W0001"], credentials: wrong, name: "Zortout bad")
            let secrets = ZortoutFixture.secretValues + [wrong.apiSecret]

            let jobs = [
                try await fixture.enqueuePull(account: good),
                try await fixture.enqueuePull(account: bad),
                try await fixture.enqueuePull(account: good, payload: #"{"sku_list": ["SKU-00001", "NOPE"]}"#, maxAttempts: 1),
            ]
            await fixture.simulator.setFaults(ZortoutFaults(afterRequests: 2, htmlPages: 1))
            let worker = try ChildProcess(
                executable: "worker",
                arguments: [
                    "run", "--exit-when-idle", "--database-url", fixture.db.url, "--log-level", "trace", "--concurrency", "1",
                ])
            let status = await worker.waitForExit(timeout: .seconds(60))
            #expect(status == 0)
            let logs = worker.output
            #expect(logs.contains("zortout stock pull done"))
            #expect(logs.contains("Unauthorized"))

            let rows =
                try await fixture.pool.query(
                    "SELECT coalesce(string_agg(row_to_json(j)::text, E'\\n'), '') AS dump FROM marketplace_job j"
                ).first?["dump"] ?? ""
            #expect(rows.contains("zortout.pull_stock"))
            #expect(rows.contains("resCode 401"))

            var jobctl: [String] = []
            for arguments in [
                ["zortout", "warehouses", "Zortout good"],
                ["zortout", "warehouses", "Zortout good", "--json"],
                ["zortout", "warehouses", String(bad)],
                ["zortout", "check-warehouse", String(good), "ODS001"],
                ["zortout", "check-warehouse", String(good), "W0404", "--json"],
                ["show", String(jobs[0])], ["show", String(jobs[1])], ["show", String(jobs[2]), "--json"],
            ] {
                let (_, output) = try await ChildProcess.run("jobctl", arguments + ["--database-url", fixture.db.url])
                jobctl.append(output)
            }
            let jobctlOutput = jobctl.joined(separator: "\n")
            #expect(jobctl[0].contains("W0001") && jobctl[0].contains("Online stock"))
            #expect(jobctl[2].contains("Unauthorized"))
            #expect(jobctl[3].contains("writes to location \(fixture.online)"))
            #expect(jobctl[5].contains("updated:"), "\(jobctl[5])")

            for secret in secrets {
                #expect(!logs.contains(secret), "worker log leaks \(secret.prefix(6))…")
                #expect(!rows.contains(secret), "job rows leak \(secret.prefix(6))…")
                #expect(!jobctlOutput.contains(secret), "jobctl output leaks \(secret.prefix(6))…")
            }
        }
    }
}
