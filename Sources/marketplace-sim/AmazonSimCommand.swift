import ArgumentParser
import Foundation
import MarketplaceSim

/// `marketplace-sim amazon`: the SP-API Feeds subset and Login with Amazon on 127.0.0.1.
struct AmazonSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amazon",
        abstract: "Serve Login with Amazon and the SP-API Feeds 2021-06-30 subset the catalog sync uses.",
        discussion: """
            Prints `listening on http://127.0.0.1:PORT`, then `endpoint …` and `token_endpoint …` on stdout once ready. \
            Listings: curl http://127.0.0.1:PORT/_control/listings. \
            Faults: curl -X POST http://127.0.0.1:PORT/_control/faults -d '{"too_many_requests": 3, "rate_limit_limit": "0.5"}'. \
            Rejected SKUs: curl -X POST http://127.0.0.1:PORT/_control/sku-errors -d '[{"sku": "BAD-1"}]'
            """
    )

    @Option(help: "Port on 127.0.0.1; 0 picks a free one.")
    var port: UInt16 = 8090

    @Option(help: "The LWA client_id the token endpoint accepts.")
    var clientID = AmazonSimulatorConfiguration().clientID

    @Option(help: "The LWA client_secret the token endpoint accepts.")
    var clientSecret = AmazonSimulatorConfiguration().clientSecret

    @Option(help: "The LWA refresh_token the token endpoint accepts.")
    var refreshToken = AmazonSimulatorConfiguration().refreshToken

    @Option(help: "The seller id feeds must carry in their header.")
    var sellerID = AmazonSimulatorConfiguration().sellerID

    @Option(help: "Lifetime of issued access tokens, in seconds.")
    var tokenLifetime = 3600

    @Option(help: "Milliseconds from createFeed to DONE (IN_QUEUE, then IN_PROGRESS); 0 = done at the first getFeed.")
    var processingDelayMs = 0

    @Option(help: "When > 0, feeds move by getFeed polls instead of time: this many IN_QUEUE, as many IN_PROGRESS.")
    var pollsPerStage = 0

    @Option(help: "Answer the next N SP-API requests with HTTP 429.")
    var tooManyRequests = 0

    @Option(help: "x-amzn-RateLimit-Limit sent with those 429s (none when omitted).")
    var rateLimitLimit: String?

    @Option(help: "Answer the next N SP-API requests with HTTP 500.")
    var internalErrors = 0

    @Option(help: "Answer the next N SP-API requests with an HTML page.")
    var htmlPages = 0

    @Option(help: "Serve the next N report downloads as bytes that are not gzip.")
    var garbageReports = 0

    func validate() throws {
        guard tokenLifetime > 0 else { throw ValidationError("--token-lifetime must be positive") }
        guard processingDelayMs >= 0 else { throw ValidationError("--processing-delay-ms must not be negative") }
    }

    func run() async throws {
        let configuration = AmazonSimulatorConfiguration(
            clientID: clientID, clientSecret: clientSecret, refreshToken: refreshToken, sellerID: sellerID,
            tokenLifetimeSeconds: tokenLifetime, processingDelayMilliseconds: processingDelayMs,
            pollsPerStage: max(0, pollsPerStage))
        let faults = AmazonFaults(
            internalErrors: internalErrors, tooManyRequests: tooManyRequests, rateLimitLimit: rateLimitLimit,
            htmlPages: htmlPages, garbageReports: garbageReports)
        let simulator = try await AmazonSimulator.start(port: port, configuration: configuration, faults: faults)
        // Written unbuffered: a script reading the port from a pipe must see it at once.
        FileHandle.standardOutput.write(
            Data(
                """
                listening on http://127.0.0.1:\(simulator.port)
                endpoint \(simulator.endpoint.absoluteString)
                token_endpoint \(simulator.tokenEndpoint.absoluteString)

                """.utf8))
        try await simulator.waitUntilStopped()
    }
}
