import FlyingFox
import Foundation

/// A Selling Partner API stand-in on 127.0.0.1: Login with Amazon's token
/// endpoint (`POST /auth/o2/token`, expiring tokens, client and refresh token
/// checked), the Feeds API 2021-06-30 subset the catalog sync uses, pre-signed
/// storage URLs on the same server, feeds moving IN_QUEUE → IN_PROGRESS →
/// DONE/FATAL, gzipped processing reports shaped by the official report schema,
/// and a listing store showing what Amazon would now list for each SKU.
///
/// Control routes (no credentials): `POST|GET /_control/faults` (`AmazonFaults`),
/// `POST|GET /_control/sku-errors` (`[AmazonSKUIssue]`), `POST /_control/expire-tokens`,
/// `POST /_control/settings` (`processing_delay_ms`, `token_lifetime_seconds`),
/// `GET /_control/listings`, `GET /_control/listings/{sku}`, `GET /_control/feeds`,
/// `GET /_control/feeds/{id}/report`, `GET /_control/stats`, `POST /_control/reset-stats`.
public final class AmazonSimulator: Sendable {
    let state: AmazonSimulatorState
    private let server: HTTPServer
    private let task: Task<Void, any Error>

    /// `http://127.0.0.1:PORT`: an account's `endpoint`.
    public let endpoint: URL
    /// `http://127.0.0.1:PORT/auth/o2/token`: an account's `token_endpoint`.
    public let tokenEndpoint: URL
    /// The bound port.
    public let port: UInt16
    /// What it was started with.
    public let configuration: AmazonSimulatorConfiguration

    /// Starts listening on 127.0.0.1 (`port` 0 picks a free one) and returns once connections are accepted.
    public static func start(
        port: UInt16 = 0, configuration: AmazonSimulatorConfiguration = AmazonSimulatorConfiguration(),
        faults: AmazonFaults = AmazonFaults()
    ) async throws -> AmazonSimulator {
        let state = AmazonSimulatorState(configuration: configuration, faults: faults)
        let server = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: port), timeout: 60,
            logger: .disabled, handler: AmazonRoutes(state: state))
        let task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let boundPort)? = await server.listeningAddress else {
            task.cancel()
            throw SimulatorError("the Amazon simulator is not listening on an IPv4 address")
        }
        return AmazonSimulator(state: state, server: server, task: task, port: boundPort, configuration: configuration)
    }

    private init(
        state: AmazonSimulatorState, server: HTTPServer, task: Task<Void, any Error>, port: UInt16,
        configuration: AmazonSimulatorConfiguration
    ) {
        self.state = state
        self.server = server
        self.task = task
        self.port = port
        self.configuration = configuration
        endpoint = URL(string: "http://127.0.0.1:\(port)")!
        tokenEndpoint = URL(string: "http://127.0.0.1:\(port)/auth/o2/token")!
    }

    /// Stops listening.
    public func stop() async {
        await server.stop(timeout: 1)
        task.cancel()
    }

    /// Runs until the surrounding task is cancelled or the server fails.
    public func waitUntilStopped() async throws { try await task.value }

    /// Replaces the faults (counters start afresh).
    public func setFaults(_ faults: AmazonFaults) async { await state.setFaults(faults) }
    /// The faults left to serve.
    public func faults() async -> AmazonFaults { await state.faults }
    /// Replaces the per-SKU issues every later feed reports.
    public func setSKUIssues(_ issues: [AmazonSKUIssue]) async { await state.setSKUIssues(issues) }
    /// Changes how long later feeds take to process.
    public func setProcessingDelay(milliseconds: Int) async { await state.setProcessingDelay(milliseconds: milliseconds) }
    /// When > 0, feeds move by `getFeed` polls instead of time (see `AmazonSimulatorConfiguration.pollsPerStage`).
    public func setPollsPerStage(_ polls: Int) async { await state.setPollsPerStage(polls) }
    /// Changes later tokens' `expires_in`.
    public func setTokenLifetime(seconds: Int) async { await state.setTokenLifetime(seconds: seconds) }
    /// Makes every issued access token expired, so the next SP-API call gets 403.
    public func expireTokens() async { await state.expireTokens() }
    /// Every access token issued (for secrecy tests).
    public func issuedTokens() async -> [String] { await state.issuedTokens() }
    /// What has been served so far.
    public func stats() async -> AmazonSimulatorStats { await state.stats }
    /// Zeroes the counters.
    public func resetStats() async { await state.resetStats() }
    /// Every listing, by SKU (processing due feeds first).
    public func listings() async -> [AmazonListing] { await state.allListings() }
    /// One listing, or nil if Amazon never accepted an UPDATE for it.
    public func listing(sku: String) async -> AmazonListing? { await state.listing(sku: sku) }
    /// Every feed, oldest first.
    public func feeds() async -> [AmazonSimulatedFeed] { await state.allFeeds() }
    /// A processed feed's report, decoded.
    public func report(feedID: String) async -> AmazonProcessingReport? { await state.report(feedID: feedID) }
    /// The bytes uploaded for a feed document, as received.
    public func uploadedDocument(id: String) async -> Data? { await state.document(id: id)?.bytes }
}
