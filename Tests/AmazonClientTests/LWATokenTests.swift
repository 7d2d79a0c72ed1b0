import Amazon
import Foundation
import HTTPClient
import JobQueue
import MarketplaceSim
import Testing

/// Login with Amazon: caching, the one refresh on an expired token, and
/// rejected credentials as permanent failures naming the account.
@Suite("LWA tokens")
struct LWATokenTests {
    @Test func tokenIsCachedAcrossCallsAndConcurrentCallers() async throws {
        let fixture = try await AmazonClientFixture.start()
        defer { Task { await fixture.stop() } }
        let client = fixture.client()
        _ = try await client.createFeedDocument()
        _ = try await client.createFeedDocument()
        // A second client (another job of the same worker) shares the provider.
        let other = fixture.client()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try await other.createFeedDocument() } }
            try await group.waitForAll()
        }
        #expect(await fixture.simulator.stats().tokensIssued == 1)
        #expect(await fixture.tokens.requestsSent == 1)
        #expect(await fixture.simulator.stats().operations["createFeedDocument"] == 10)
    }

    @Test func tokenNearExpiryIsReplacedBeforeUse() async throws {
        let fixture = try await AmazonClientFixture.start()
        defer { Task { await fixture.stop() } }
        await fixture.simulator.setTokenLifetime(seconds: 2)
        let client = fixture.client()
        _ = try await client.createFeedDocument()
        try await Task.sleep(for: .milliseconds(2_100))
        _ = try await client.createFeedDocument()
        let stats = await fixture.simulator.stats()
        #expect(stats.tokensIssued == 2)
        #expect(stats.unauthorized == 0)  // refreshed ahead of expiry, never sent stale
    }

    @Test func expiredTokenIsRefreshedOnceAndTheCallRepeatedOnce() async throws {
        let fixture = try await AmazonClientFixture.start()
        defer { Task { await fixture.stop() } }
        let client = fixture.client()
        _ = try await client.createFeedDocument()
        await fixture.simulator.expireTokens()  // Amazon now answers 403 "The access token you provided has expired."
        let upload = try await client.createFeedDocument()
        #expect(!upload.feedDocumentID.isEmpty)
        let stats = await fixture.simulator.stats()
        #expect(stats.tokensIssued == 2)
        #expect(stats.unauthorized == 1)
        #expect(stats.operations["createFeedDocument"] == 3)
    }

    @Test func wrongClientSecretIsPermanentAndNamesTheAccount() async throws {
        let fixture = try await AmazonClientFixture.start(
            credentials: AmazonCredentials(
                clientID: AmazonClientFixture.configuration.clientID, clientSecret: "wrong-SECRET-client-0000",
                refreshToken: AmazonClientFixture.configuration.refreshToken))
        defer { Task { await fixture.stop() } }
        do {
            _ = try await fixture.client().getFeed("50001")
            Issue.record("expected rejected credentials")
        } catch {
            guard case .credentialsRejected(_, let status, let code, _) = error else { Issue.record("got \(error)"); return }
            #expect(status == 401)
            #expect(code == "invalid_client")
            guard case .permanent(let message) = error.jobError else { Issue.record("not permanent: \(error.jobError)"); return }
            #expect(message.contains("account 7 (Amazon US test)"))
            #expect(message.contains("client_id, client_secret and refresh_token"))
            #expect(!message.contains("wrong-SECRET-client-0000"))
            await fixture.expectNoSecrets(message)
        }
        #expect(await fixture.simulator.stats().operations["getFeed"] == nil)  // no SP-API call without a token
    }

    @Test func revokedRefreshTokenIsPermanent() async throws {
        let fixture = try await AmazonClientFixture.start(
            credentials: AmazonCredentials(
                clientID: AmazonClientFixture.configuration.clientID,
                clientSecret: AmazonClientFixture.configuration.clientSecret,
                refreshToken: "Atzr|revoked-SECRET-9911"))
        defer { Task { await fixture.stop() } }
        do {
            _ = try await fixture.client().createFeedDocument()
            Issue.record("expected rejected credentials")
        } catch {
            guard case .permanent(let message) = error.jobError else { Issue.record("not permanent: \(error)"); return }
            #expect(message.contains("invalid_grant"))
            #expect(message.contains("account 7"))
            #expect(!message.contains("revoked-SECRET-9911"))
        }
    }

    @Test func tokenEndpointServerErrorIsRetryable() async throws {
        let fixture = try await AmazonClientFixture.start(faults: AmazonFaults(tokenErrors: 1))
        defer { Task { await fixture.stop() } }
        do {
            _ = try await fixture.client().createFeedDocument()
            Issue.record("expected a 500")
        } catch {
            guard case .retryable(let message) = error.jobError else { Issue.record("not retryable: \(error)"); return }
            #expect(message.contains("HTTP 500"))
            #expect(message.contains("POST http://127.0.0.1:\(fixture.simulator.port)/auth/o2/token"))
        }
        _ = try await fixture.client().createFeedDocument()  // the next attempt works
    }

    @Test func accountSettingsAndCredentialsErrorsNameAccountAndKey() throws {
        func account(settings: String, credentials: String) -> MarketplaceAccount {
            MarketplaceAccount(
                id: 4, name: "Amazon EU", marketplace: "amazon", syncEnabled: true, settings: Data(settings.utf8),
                credentials: Credentials(json: Data(credentials.utf8)))
        }
        let good = #"{"client_id": "c-id", "client_secret": "s-SECRET-x", "refresh_token": "r-SECRET-y"}"#
        func message(_ settings: String, _ credentials: String) -> String {
            do { _ = try AmazonAccount(account(settings: settings, credentials: credentials)); return "decoded" } catch {
                guard case .permanent(let text) = error else { return "not permanent" }
                return text
            }
        }
        #expect(
            message(#"{"marketplace_ids": ["X"]}"#, good)
                == "account 4 (Amazon EU): settings: seller_id: required field is missing")
        #expect(
            message(#"{"seller_id": "S", "marketplace_ids": []}"#, good).contains("settings: marketplace_ids: expected 1 to 25"))
        #expect(
            message(#"{"seller_id": "S", "marketplace_ids": ["X"], "endpoint": "ftp://x"}"#, good).contains(
                "settings: endpoint: expected an http(s) URL"))
        #expect(message(#"{"seller_id": "S", "marketplace_ids": ["X"], "currency": "usd"}"#, good).contains("settings: currency"))
        let missing = message(
            #"{"seller_id": "S", "marketplace_ids": ["X"]}"#, #"{"client_id": "c-id", "client_secret": "s-SECRET-x"}"#)
        #expect(missing.hasPrefix("account 4 (Amazon EU): credentials: refresh_token: required field is missing"))
        #expect(!missing.contains("s-SECRET-x"))
        // The list of quotas grows with the client's operations: check its shape and one name.
        let unknownQuota = message(
            #"{"seller_id": "S", "marketplace_ids": ["X"], "rate_limits": {"createFeeds": {"rate": 1}}}"#, good)
        #expect(
            unknownQuota.contains("settings: rate_limits: unknown quota \"createFeeds\"; expected one of "), "\(unknownQuota)")
        #expect(unknownQuota.contains(" createFeed,"), "\(unknownQuota)")
        #expect(
            message(#"{"seller_id": "S", "marketplace_ids": ["X"], "rate_limits": {"getFeed": {"rate": 0}}}"#, good)
                .contains("settings: rate_limits.getFeed.rate: must be > 0"))
        let tuned = try AmazonAccount(
            account(
                settings: """
                    {"seller_id": "S", "marketplace_ids": ["X"],
                     "rate_limits": {"createFeed": {"rate": 0.5, "burst": 30}, "feed_submissions": {"limit": 60}}}
                    """, credentials: good))
        #expect(
            SPAPIOperation.createFeed.rateLimit(settings: tuned.settings).kind
                == .bucket(rate: Decimal(string: "0.5")!, burst: 30))
        #expect(SPAPIOperation.getFeed.rateLimit(settings: tuned.settings).kind == .bucket(rate: 2, burst: 15))
        #expect(
            SPAPIOperation.feedSubmissionLimit(feedType: "JSON_LISTINGS_FEED", settings: tuned.settings)?.kind
                == .window(limit: 60, seconds: 300))
        let decoded = try AmazonAccount(account(settings: #"{"seller_id": "S", "marketplace_ids": ["X"]}"#, credentials: good))
        #expect(decoded.settings.endpoint == AmazonSettings.defaultEndpoint)
        #expect(decoded.settings.tokenEndpoint == AmazonSettings.defaultTokenEndpoint)
        #expect(decoded.settings.intervalSeconds == 600)
        #expect(decoded.settings.automatic == false)
        #expect(!"\(decoded.credentials)".contains("SECRET"))
    }
}
