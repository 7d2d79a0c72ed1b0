import Foundation
import JobQueue
import MarketplaceSim
import TestSupport
import Testing
import Zortout

@Suite("zortout.pull_stock error handling")
struct PullStockErrorTests {
    static let catalogue = ZortoutCatalogue.seeded(size: 40)

    func fixture(_ label: String, faults: ZortoutFaults = ZortoutFaults()) async throws -> (ZortoutFixture, Int64) {
        let fixture = try await ZortoutFixture.start(label: label, catalogue: Self.catalogue, faults: faults)
        try await fixture.insertProducts(skus: Self.catalogue.products.filter(\.isMatchableGoods).map { $0.sku! })
        let account = try await fixture.insertAccount(settings: ["warehouse_code": "W0001"])
        return (fixture, account)
    }

    @Test func badCredentialsFailAtOnceQuotingResDesc() async throws {
        let fixture = try await ZortoutFixture.start(label: "zerrcreds", catalogue: Self.catalogue)
        try await withTeardown(await fixture.stop()) {
            let wrong = ZortoutSimulator.Credentials(
                storeName: ZortoutFixture.credentials.storeName,
                apiKey: ZortoutFixture.credentials.apiKey, apiSecret: "wrong-secret-value")
            let account = try await fixture.insertAccount(settings: ["warehouse_code": "W0001"], credentials: wrong)
            let job = try await fixture.enqueuePull(account: account)
            try await fixture.drain()
            let row = try await fixture.job(job)
            #expect(row.state == "failed")
            #expect(row.attempts == 1)
            let error = try #require(row.error)
            #expect(error.contains("Unauthorized: invalid storename, apikey or apisecret"), "\(error)")
            #expect(error.contains("resCode 401"))
            #expect(await fixture.simulator.stats().requests == 1)
        }
    }

    @Test func serverErrorsAreRetriedThenSucceed() async throws {
        let (fixture, account) = try await fixture("zerr500", faults: ZortoutFaults(internalErrors: 2))
        try await withTeardown(await fixture.stop()) {
            let job = try await fixture.enqueuePull(account: account)
            let row = try await fixture.runUntilFinished(job: job)
            #expect(row.state == "done", "\(row.error ?? "")")
            #expect(row.attempts == 3)
            #expect(row.errors.contains("HTTP 500"))
            #expect(row.result?.updated == Self.catalogue.products.filter(\.isMatchableGoods).count)
        }
    }

    @Test func rateLimitWaitsForRetryAfterWithoutSpendingAnAttempt() async throws {
        let (fixture, account) = try await fixture("zerr429", faults: ZortoutFaults(tooManyRequests: 1, retryAfterSeconds: 1))
        try await withTeardown(await fixture.stop()) {
            let job = try await fixture.enqueuePull(account: account, maxAttempts: 1)
            let started = Date()
            let row = try await fixture.runUntilFinished(job: job)
            #expect(row.state == "done", "\(row.error ?? "")")
            #expect(row.attempts <= 1)
            #expect(row.errors.contains("HTTP 429"))
            #expect(Date().timeIntervalSince(started) >= 0.9)
            #expect(await fixture.simulator.stats().requests == 2)
        }
    }

    @Test func htmlBodyIsAClearRetryableError() async throws {
        let (fixture, account) = try await fixture("zerrhtml", faults: ZortoutFaults(htmlPages: 1))
        try await withTeardown(await fixture.stop()) {
            let job = try await fixture.enqueuePull(account: account)
            let row = try await fixture.runUntilFinished(job: job)
            #expect(row.state == "done", "\(row.error ?? "")")
            #expect(row.attempts == 2)
            #expect(row.errors.contains("HTTP 200 and an HTML page instead of JSON"), "\(row.errors)")
            #expect(row.errors.contains("502 Bad Gateway"))
        }
    }

    @Test func emptyBodyAndRefusedConnectionAreRetryable() async throws {
        let (fixture, account) = try await fixture("zerrempty", faults: ZortoutFaults(emptyBodies: 5))
        try await withTeardown(await fixture.stop()) {
            let job = try await fixture.enqueuePull(account: account, maxAttempts: 1)
            try await fixture.drain()
            let row = try await fixture.job(job)
            #expect(row.state == "failed")
            #expect(row.error?.contains("an empty body") == true, "\(row.error ?? "")")

            // Nothing listening: a connection failure, retryable (so with one attempt, failed after it).
            let port = fixture.simulator.port
            await fixture.simulator.stop()
            try await fixture.pool.execute(
                "UPDATE marketplace_account SET settings = jsonb_set(settings, '{base_url}', to_jsonb($1::text))",
                ["http://127.0.0.1:\(port)/v4"])
            let refused = try await fixture.enqueuePull(account: account, maxAttempts: 2)
            let refusedRow = try await fixture.runUntilFinished(job: refused)
            #expect(refusedRow.state == "failed")
            #expect(refusedRow.attempts == 2)
            #expect(refusedRow.error?.contains("Zortout unreachable") == true, "\(refusedRow.error ?? "")")
        }
    }
}
