import Foundation
import HTTPClient
import JobQueue
import MarketplaceSim
import TestSupport
import Testing
import Zortout

/// The client against the simulator: how each kind of answer maps to data or
/// to a job outcome.
@Suite("ZortoutClient")
struct ZortoutClientTests {
    static let credentials = ZortoutCredentials(
        storeName: ZortoutFixture.credentials.storeName,
        apiKey: ZortoutFixture.credentials.apiKey,
        apiSecret: ZortoutFixture.credentials.apiSecret)

    func withSimulator(
        _ faults: ZortoutFaults = ZortoutFaults(), timeout: Duration = .seconds(10),
        _ body: (ZortoutClient, ZortoutSimulator) async throws -> Void
    ) async throws {
        let simulator = try await ZortoutSimulator.start(
            catalogue: .seeded(size: 30), credentials: ZortoutFixture.credentials,
            faults: faults)
        try await withTeardown(await simulator.stop()) {
            let client = ZortoutClient(
                baseURL: simulator.baseURL, credentials: Self.credentials,
                http: URLSessionHTTPClient(), timeout: timeout)
            try await body(client, simulator)
        }
    }

    @Test func pagesAndQuotaNotice() async throws {
        try await withSimulator(ZortoutFaults(quotaNotice: true)) { client, _ in
            let page = try await client.products(page: 2, limit: 20, warehouseCode: "W0001")
            #expect(page.count == 30)
            #expect(page.items.count == 10)
            #expect(page.items.first?.id == 4_470_021)
            #expect(page.items.first { $0.id == 4_470_030 }?.sku == nil)  // the empty SKU reads as none
            #expect(try await client.warehouses().map(\.code) == ["W0001", "ODS001"])
        }
    }

    @Test func timeoutIsRetryable() async throws {
        try await withSimulator(ZortoutFaults(delayMilliseconds: 1_500), timeout: .milliseconds(300)) { client, _ in
            do {
                _ = try await client.products(page: 1)
                Issue.record("expected a timeout")
            } catch let error as ZortoutError {
                guard case .transport = error else { Issue.record("expected a transport error, got \(error)"); return }
                guard case .retryable(let message) = error.jobError() else { Issue.record("not retryable"); return }
                #expect(message.contains("Zortout unreachable"))
            }
        }
    }

    @Test func rateLimitCarriesRetryAfter() async throws {
        try await withSimulator(ZortoutFaults(tooManyRequests: 1, retryAfterSeconds: 7)) { client, _ in
            do {
                _ = try await client.products(page: 1)
                Issue.record("expected a 429")
            } catch let error as ZortoutError {
                let now = Date()
                guard case .retryAfter(let date, let message) = error.jobError(now: now) else {
                    Issue.record("expected retryAfter, got \(error)"); return
                }
                #expect(date.timeIntervalSince(now) > 5 && date.timeIntervalSince(now) < 9)
                #expect(message.contains("HTTP 429"))
            }
        }
    }

    @Test func unknownRouteIsPermanentAndNamesThePath() async throws {
        try await withSimulator { _, simulator in
            let client = ZortoutClient(
                baseURL: simulator.baseURL.appendingPathComponent("v9"), credentials: Self.credentials,
                http: URLSessionHTTPClient())
            do {
                _ = try await client.products(page: 1)
                Issue.record("expected a 404")
            } catch let error as ZortoutError {
                guard case .permanent(let message) = error.jobError() else {
                    Issue.record("expected permanent, got \(error)"); return
                }
                #expect(message.contains("HTTP 404"))
                #expect(message.contains("base_url"))
            }
        }
    }
}
