import Amazon
import Foundation
import HTTPClient
import MarketplaceSim
import TestSupport
import Testing

/// The simulator's confirmShipment as the client sees it: the documented
/// 400s arrive as `.rejected` with Amazon's words, and one package is kept
/// per (order, packageReferenceId).
struct ShipmentSimulatorTests {
    @Test func theDocumentedRefusalsAndOnePackagePerReference() async throws {
        let sim = try await AmazonSimulator.start(configuration: SalesHarness.simulator)
        let config = SalesHarness.simulator
        let account = AmazonAccount(
            id: 1, name: "Sim",
            settings: AmazonSettings(
                sellerID: config.sellerID, marketplaceIDs: ["ATVPDKIKX0DER"], endpoint: sim.endpoint,
                tokenEndpoint: sim.tokenEndpoint),
            credentials: AmazonCredentials(
                clientID: config.clientID, clientSecret: config.clientSecret, refreshToken: config.refreshToken))
        let client = SPAPIClient(
            account: account, http: URLSessionHTTPClient(), tokens: LWATokenProvider(), rateLimiter: nil, timeout: .seconds(30))
        try await withTeardown(await sim.stop()) { () async throws in
            let orderID = try #require(await sim.addOrders(count: 1, status: "UNSHIPPED", itemsPerOrder: 2).first)
            let items = try #require(await sim.order(id: orderID)).items
            func request(
                reference: String = "1", shipDate: String = "2026-11-20T10:00:00Z", carrier: String = "UPS",
                item: String? = nil, quantity: Int = 1
            ) -> ConfirmShipmentRequest {
                ConfirmShipmentRequest(
                    marketplaceId: "ATVPDKIKX0DER",
                    packageDetail: .init(
                        packageReferenceId: reference, carrierCode: carrier, trackingNumber: "T1", shipDate: shipDate,
                        orderItems: [.init(orderItemId: item ?? items[0].orderItemID, quantity: quantity)]))
            }
            func refusal(_ order: String, _ body: ConfirmShipmentRequest) async -> String {
                do {
                    try await client.confirmShipment(orderID: order, body)
                    return "accepted"
                } catch {
                    guard case .rejected(_, _, let status, let message) = error else { return "unexpected: \(error)" }
                    return "\(status) \(message)"
                }
            }
            #expect(await refusal(orderID, request(item: "99999999999999")) == "400 InvalidInput: OrderItemId is invalid")
            #expect(await refusal(orderID, request(reference: "0")).contains("positive numeric"))
            #expect(await refusal(orderID, request(reference: "A1")).contains("positive numeric"))
            #expect(await refusal(orderID, request(shipDate: "02/21/2022")) == "400 Invalid Input: Invalid Input")
            #expect(await refusal(orderID, request(carrier: "Other")).contains("CarrierName is required"))
            #expect(await refusal(orderID, request(quantity: 5)).contains("Quantity is invalid"))
            #expect(await refusal("111-0000000-0000000", request()).hasPrefix("404 NotFound"))
            #expect(await sim.packages().isEmpty, "no refusal records a package")

            try await client.confirmShipment(orderID: orderID, request())
            try await client.confirmShipment(orderID: orderID, request())
            try await client.confirmShipment(orderID: orderID, request(reference: "2", item: items[1].orderItemID, quantity: 2))
            let packages = await sim.packages()
            #expect(packages.map(\.packageReferenceID) == ["1", "2"])
            #expect(packages.map(\.edits) == [1, 0])
            #expect(await sim.order(id: orderID)?.status == "SHIPPED")
        }
    }
}
