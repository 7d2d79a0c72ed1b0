import Amazon
import Foundation
import MarketplaceSim
import Testing

/// A 403 that a fresh token does not cure is a permanent failure, after exactly one refresh.
@Suite("SP-API access denied")
struct AccessDeniedTests {
    @Test func persistentForbiddenFailsAfterOneRefresh() async throws {
        let fixture = try await AmazonClientFixture.start(faults: AmazonFaults(accessDenied: 5))
        defer { Task { await fixture.stop() } }
        do {
            _ = try await fixture.client().getFeed("50001")
            Issue.record("expected access denied")
        } catch {
            guard case .accessDenied(_, _, let status, _) = error, case .permanent(let message) = error.jobError else {
                Issue.record("got \(error)"); return
            }
            #expect(status == 403)
            #expect(message.contains("account 7 (Amazon US test)"))
            #expect(message.contains("even with a fresh access token"))
            #expect(message.contains("Unauthorized: Access to requested resource is denied."))
            await fixture.expectNoSecrets(message)
        }
        let stats = await fixture.simulator.stats()
        #expect(stats.tokensIssued == 2)  // the first token, and one refresh
        #expect(stats.operations["getFeed"] == 2)  // the call, and one repeat
    }
}
