import Amazon
import Foundation
import HTTPClient
import JobQueue
import Logging
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// The client as a job builds it, from its `JobContext`.
@Suite("SPAPIClient from a job context")
struct JobContextClientTests {
    func context(fixture: AmazonClientFixture, marketplace: String = "amazon", logger: Logger) throws -> JobContext {
        let settings = """
            {"seller_id": "\(AmazonClientFixture.configuration.sellerID)", "marketplace_ids": ["ATVPDKIKX0DER"],
             "endpoint": "\(fixture.simulator.endpoint.absoluteString)", "token_endpoint": "\(fixture.simulator.tokenEndpoint.absoluteString)"}
            """
        let credentials = try JSONSerialization.data(withJSONObject: [
            "client_id": AmazonClientFixture.configuration.clientID,
            "client_secret": AmazonClientFixture.configuration.clientSecret,
            "refresh_token": AmazonClientFixture.configuration.refreshToken,
        ])
        let account = MarketplaceAccount(
            id: 9, name: "Amazon ctx", marketplace: marketplace, syncEnabled: true,
            settings: Data(settings.utf8), credentials: Credentials(json: credentials))
        return JobContext(
            jobID: 1, jobType: "amazon.test", attempt: 1, maxAttempts: 5, account: account,
            database: fixture.pool!, logger: logger, http: URLSessionHTTPClient())
    }

    @Test func buildsFromTheJobAndLogsNoSecretAtTraceLevel() async throws {
        let fixture = try await AmazonClientFixture.start(database: true, label: "amazonctx")
        defer { Task { await fixture.stop() } }
        let capture = LogCapture()
        let logger = Logger(label: "amazon-test", factory: capture.handler(label:))
        let client = try SPAPIClient(context: context(fixture: fixture, logger: logger), tokens: LWATokenProvider())
        #expect(client.account.label == "account 9 (Amazon ctx)")
        let submitted = try await client.submitFeed(AmazonClientFixture.feed(skus: ["CTX-1"]))
        await fixture.simulator.expireTokens()
        #expect(try await client.getFeed(submitted.feedID).processingStatus == .done)
        await fixture.simulator.setFaults(AmazonFaults(internalErrors: 1))
        _ = try? await client.getFeed(submitted.feedID)
        let text = capture.text
        #expect(text.contains("sp-api call"))
        #expect(text.contains("operation=createFeed"))
        #expect(text.contains("account_id=9"))
        #expect(text.contains("refreshing it once"))
        await fixture.expectNoSecrets(text)
        #expect(!text.contains("X-Amz-Signature"))
    }

    @Test func aNonAmazonAccountIsPermanent() async throws {
        let fixture = try await AmazonClientFixture.start(database: true, label: "amazonctx2")
        defer { Task { await fixture.stop() } }
        do {
            _ = try SPAPIClient(context: context(fixture: fixture, marketplace: "zortout", logger: Logger(label: "x")))
            Issue.record("expected a permanent error")
        } catch let JobError.permanent(message) {
            #expect(message.contains("needs a 'amazon' account, but account 9 (Amazon ctx) is 'zortout'"))
        }
    }
}
