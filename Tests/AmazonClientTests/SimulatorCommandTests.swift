import Amazon
import Foundation
import HTTPClient
import MarketplaceSim
import TestSupport
import Testing

/// `marketplace-sim amazon` as a shell or the demo starts it.
@Suite("marketplace-sim amazon")
struct SimulatorCommandTests {
    @Test func servesTokensAndFeedsOnTheAnnouncedPort() async throws {
        let child = try ChildProcess(
            executable: "marketplace-sim",
            arguments: [
                "amazon", "--port", "0", "--client-id", "cli-client", "--client-secret", "cli-SECRET-secret",
                "--refresh-token", "Atzr|cli-SECRET-refresh", "--seller-id", "A2CLISELLER",
            ])
        defer { child.terminateIfRunning() }
        var port: UInt16?
        _ = try await eventually(timeout: .seconds(30)) {
            let line = child.output.split(separator: "\n").first { $0.hasPrefix("listening on http://127.0.0.1:") }
            port = line.flatMap { UInt16($0.split(separator: ":").last ?? "") }
            return port != nil
        }
        let bound = try #require(port, "no `listening on` line in: \(child.output)")
        #expect(child.output.contains("token_endpoint http://127.0.0.1:\(bound)/auth/o2/token"))
        let account = AmazonAccount(
            id: 1, name: "cli",
            settings: AmazonSettings(
                sellerID: "A2CLISELLER", marketplaceIDs: ["ATVPDKIKX0DER"], endpoint: URL(string: "http://127.0.0.1:\(bound)")!,
                tokenEndpoint: URL(string: "http://127.0.0.1:\(bound)/auth/o2/token")!),
            credentials: AmazonCredentials(
                clientID: "cli-client", clientSecret: "cli-SECRET-secret", refreshToken: "Atzr|cli-SECRET-refresh"))
        let client = SPAPIClient(account: account, http: URLSessionHTTPClient(), tokens: LWATokenProvider(), rateLimiter: nil)
        let submitted = try await client.submitFeed(AmazonClientFixture.feed(skus: ["CLI-1"], seller: "A2CLISELLER"))
        #expect(try await client.getFeed(submitted.feedID).processingStatus == .done)
        let listing = try await URLSessionHTTPClient().send(
            HTTPRequest(url: URL(string: "http://127.0.0.1:\(bound)/_control/listings/CLI-1")!))
        #expect(listing.status == 200)
        let decoded = try JSONDecoder().decode(AmazonListing.self, from: listing.body)
        #expect(decoded.quantity == 12)
        #expect(decoded.price == Decimal(string: "19.99"))
    }
}
