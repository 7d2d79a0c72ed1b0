import ArgumentParser
import Foundation
import MarketplaceSim

/// `marketplace-sim`: marketplace API stand-ins on 127.0.0.1 for the demo,
/// the benchmark and manual testing. `zortout` is the default subcommand;
/// `amazon` is in AmazonSimCommand.swift.
@main
struct MarketplaceSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marketplace-sim",
        abstract: "Serve marketplace API simulators on 127.0.0.1.",
        subcommands: [ZortoutSimCommand.self, AmazonSimCommand.self],
        defaultSubcommand: ZortoutSimCommand.self
    )
}

struct ZortoutSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zortout",
        abstract: "Serve the Zortout Open API v4 subset the stock pull uses.",
        discussion: """
            Prints `listening on http://127.0.0.1:PORT` then `base_url http://127.0.0.1:PORT/v4` \
            on stdout once ready. Faults can be changed while running: \
            curl -X POST http://127.0.0.1:PORT/_control/faults -d '{"internal_errors": 2}'
            """
    )

    @Option(help: "Port on 127.0.0.1; 0 picks a free one.")
    var port: UInt16 = 8089

    @Option(help: "Catalogue size (seeded, deterministic).")
    var products: Int = 2_000

    @Option(help: "Catalogue seed.")
    var seed: UInt64 = 42

    @Option(help: "The storename header the simulator accepts.")
    var storeName = "demo-store"

    @Option(help: "The apikey header the simulator accepts.")
    var apiKey = "demo-api-key"

    @Option(help: "The apisecret header the simulator accepts.")
    var apiSecret = "demo-api-secret"

    @Option(help: "Answer the next N requests with HTTP 500.")
    var internalErrors = 0

    @Option(help: "Answer the next N requests with HTTP 429.")
    var tooManyRequests = 0

    @Option(help: "Retry-After seconds sent with 429.")
    var retryAfter = 1

    @Option(help: "Answer the next N requests with an HTML page.")
    var htmlPages = 0

    @Option(help: "Delay every answer by this many milliseconds.")
    var delayMs = 0

    @Flag(help: "Reject every request's credentials.")
    var rejectCredentials = false

    @Flag(help: "Attach the resCode 100 quota notice to successful reads.")
    var quotaNotice = false

    func validate() throws {
        guard products >= 0, products <= 1_000_000 else { throw ValidationError("--products must be between 0 and 1000000") }
    }

    func run() async throws {
        let faults = ZortoutFaults(
            internalErrors: internalErrors, tooManyRequests: tooManyRequests,
            retryAfterSeconds: retryAfter, htmlPages: htmlPages, delayMilliseconds: delayMs,
            rejectCredentials: rejectCredentials, quotaNotice: quotaNotice)
        let simulator = try await ZortoutSimulator.start(
            port: port, catalogue: .seeded(size: products, seed: seed),
            credentials: .init(storeName: storeName, apiKey: apiKey, apiSecret: apiSecret), faults: faults)
        // Written unbuffered: a script reading the port from a pipe must see it at once.
        FileHandle.standardOutput.write(
            Data("listening on http://127.0.0.1:\(simulator.port)\nbase_url \(simulator.baseURL.absoluteString)\n".utf8))
        try await simulator.waitUntilStopped()
    }
}
