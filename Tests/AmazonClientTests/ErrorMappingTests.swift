import Amazon
import Foundation
import HTTPClient
import JobQueue
import MarketplaceSim
import Testing

/// Each kind of bad answer becomes the right job outcome, with a message that
/// says what happened and carries no secret.
@Suite("SP-API error mapping")
struct ErrorMappingTests {
    /// Runs `body`, expecting an AmazonError, and returns it.
    func failure(_ body: () async throws -> Void) async -> AmazonError? {
        do {
            try await body()
            return nil
        } catch let error as AmazonError {
            return error
        } catch {
            Issue.record("not an AmazonError: \(error)")
            return nil
        }
    }

    @Test func tooManyRequestsHonoursTheRateLimitHeader() async throws {
        let fixture = try await AmazonClientFixture.start(faults: AmazonFaults(tooManyRequests: 3, rateLimitLimit: "0.25"))
        defer { Task { await fixture.stop() } }
        let client = fixture.client()
        for _ in 0..<3 {
            let before = Date()
            let error = await failure { _ = try await client.getFeed("50001") }
            let after = Date()
            guard case .retryAfter(let date, let message)? = error?.jobError else {
                Issue.record("got \(String(describing: error))"); continue
            }
            // 0.25 requests per second: one token every 4 s after the answer, not getFeed's default 0.5 s.
            #expect(date >= before.addingTimeInterval(3.99) && date <= after.addingTimeInterval(4.01))
            #expect(message.contains("HTTP 429"))
            #expect(message.contains("x-amzn-RateLimit-Limit 0.25/s"))
            await fixture.expectNoSecrets(message)
        }
        #expect(await fixture.simulator.stats().faultsServed == 3)
    }

    @Test func tooManyRequestsWithoutHeaderUsesTheOperationsDefaultRate() async throws {
        let fixture = try await AmazonClientFixture.start(faults: AmazonFaults(tooManyRequests: 1))
        defer { Task { await fixture.stop() } }
        let before = Date()
        let error = await failure { _ = try await fixture.client().getFeedDocument("doc-1") }
        let after = Date()
        guard case .retryAfter(let date, _)? = error?.jobError else { Issue.record("got \(String(describing: error))"); return }
        // getFeedDocument: 0.0222/s, so 45.05 s after the answer.
        #expect(date >= before.addingTimeInterval(45.0) && date <= after.addingTimeInterval(45.1))
    }

    @Test func serverErrorIsRetryable() async throws {
        let fixture = try await AmazonClientFixture.start(faults: AmazonFaults(internalErrors: 1))
        defer { Task { await fixture.stop() } }
        let error = await failure { _ = try await fixture.client().createFeedDocument() }
        guard case .retryable(let message)? = error?.jobError else { Issue.record("got \(String(describing: error))"); return }
        #expect(
            message == "Amazon answered POST /feeds/2021-06-30/documents for account 7 (Amazon US test) with HTTP 500: "
                + "InternalFailure: We encountered an internal error. Please try again.")
    }

    @Test func htmlPageIsRetryableWithStatusAndSnippet() async throws {
        let fixture = try await AmazonClientFixture.start(faults: AmazonFaults(htmlPages: 1))
        defer { Task { await fixture.stop() } }
        let error = await failure { _ = try await fixture.client().getFeed("50001") }
        guard case .retryable(let message)? = error?.jobError else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("HTTP 503"))
        #expect(message.contains("<title>503 Service Unavailable</title>"))
        await fixture.expectNoSecrets(message)
    }

    @Test func malformedJSONIsRetryableWithSnippet() async throws {
        let fixture = try await AmazonClientFixture.start(faults: AmazonFaults(malformedJSON: 1))
        defer { Task { await fixture.stop() } }
        let error = await failure { _ = try await fixture.client().getFeed("50001") }
        guard case .unreadable(_, _, let status, let reason, let snippet)? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(status == 200)
        #expect(reason.hasPrefix("malformed JSON"))
        #expect(snippet == #"{"feedId": "5"#)
        guard case .retryable = error!.jobError else { Issue.record("not retryable"); return }
    }

    @Test func unknownFeedIsPermanentWithAmazonsMessage() async throws {
        let fixture = try await AmazonClientFixture.start()
        defer { Task { await fixture.stop() } }
        let error = await failure { _ = try await fixture.client().getFeed("999") }
        guard case .permanent(let message)? = error?.jobError else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("HTTP 404: NotFound: The feed 999 was not found."))
    }

    @Test func timeoutIsRetryable() async throws {
        let fixture = try await AmazonClientFixture.start(faults: AmazonFaults(delayMilliseconds: 1_500))
        defer { Task { await fixture.stop() } }
        let error = await failure { _ = try await fixture.client(timeout: .milliseconds(300)).getFeed("50001") }
        guard case .transport? = error, case .retryable(let message)? = error?.jobError else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(message.contains("Amazon unreachable for account 7"))
    }

    @Test func garbageGzipReportIsAClearErrorKeepingTheRawBytes() async throws {
        let fixture = try await AmazonClientFixture.start(faults: AmazonFaults(garbageReports: 1))
        defer { Task { await fixture.stop() } }
        let client = fixture.client()
        let feed = try await client.getFeed(try await client.submitFeed(AmazonClientFixture.feed(skus: ["G-1"])).feedID)
        let documentID = try #require(feed.resultFeedDocumentID)
        let error = await failure { _ = try await client.downloadReport(feedDocumentID: documentID) }
        guard case .notGzip(_, let id, _, let raw)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(id == documentID)
        #expect(String(decoding: raw, as: UTF8.self).contains("this is not a gzip stream"))
        let message = error!.description
        #expect(
            message.hasPrefix(
                "report document \(documentID) of account 7 (Amazon US test) is not valid gzip: no gzip magic number"))
        guard case .retryable = error!.jobError else { Issue.record("not retryable"); return }
        // The next download (the fault was one-shot) inflates.
        #expect(try await client.downloadReport(feedDocumentID: documentID).count > 0)
    }

    @Test func noSecretInAnyErrorText() async throws {
        let fixture = try await AmazonClientFixture.start()
        defer { Task { await fixture.stop() } }
        let client = fixture.client()
        _ = try await client.createFeedDocument()  // a token now exists to leak
        var texts: [String] = []
        let faults: [AmazonFaults] = [
            AmazonFaults(internalErrors: 1), AmazonFaults(tooManyRequests: 1, rateLimitLimit: "2"),
            AmazonFaults(htmlPages: 1), AmazonFaults(malformedJSON: 1),
        ]
        for fault in faults {
            await fixture.simulator.setFaults(fault)
            if let error = await failure({ _ = try await client.getFeed("50001") }) {
                texts += [error.description, error.jobError.description, String(describing: error), String(reflecting: error)]
            }
        }
        await fixture.simulator.expireTokens()
        if let error = await failure({ _ = try await client.getFeed("none") }) { texts.append(String(reflecting: error)) }
        let rejected = AmazonAccount(
            id: 7, name: "x", settings: fixture.account.settings,
            credentials: AmazonCredentials(
                clientID: "client-SECRET-zz", clientSecret: AmazonClientFixture.configuration.clientSecret,
                refreshToken: AmazonClientFixture.configuration.refreshToken))
        let rejectedClient = SPAPIClient(
            account: rejected, http: URLSessionHTTPClient(), tokens: LWATokenProvider(), rateLimiter: nil)
        if let error = await failure({ _ = try await rejectedClient.getFeed("1") }) { texts.append(String(reflecting: error)) }
        #expect(texts.count == 4 * 4 + 2)
        for text in texts { await fixture.expectNoSecrets(text) }
        #expect(!texts.joined().contains("client-SECRET-zz"))
        #expect(!"\(fixture.account.credentials)".contains("SECRET"))
    }
}
