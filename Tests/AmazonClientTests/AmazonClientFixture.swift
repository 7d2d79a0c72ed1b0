import Amazon
import Foundation
import HTTPClient
import JobQueue
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// A simulator on 127.0.0.1 and an Amazon account pointing at it, with a
/// token cache of its own (so tests do not share tokens) and, when asked, a
/// fresh database for the shared rate limiter.
struct AmazonClientFixture {
    /// Distinctive values, so secrecy checks can grep for them.
    static let configuration = AmazonSimulatorConfiguration(
        clientID: "amzn1.application-oa2-client.SECRET-c1d2", clientSecret: "client-SECRET-7f3e91ab",
        refreshToken: "Atzr|refresh-SECRET-55aa0c", sellerID: "A2TESTSELLER")
    static var secretValues: [String] {
        [configuration.clientSecret, configuration.refreshToken]
    }

    let simulator: AmazonSimulator
    let account: AmazonAccount
    let tokens: LWATokenProvider
    let db: TestDatabase?
    let pool: PostgresPool?

    static func start(
        faults: AmazonFaults = AmazonFaults(), pollsPerStage: Int = 0, database: Bool = false,
        credentials: AmazonCredentials? = nil, label: String = "amazon",
        rateLimits: [String: AmazonRateLimitOverride] = [:]
    ) async throws -> AmazonClientFixture {
        var configuration = Self.configuration
        configuration.pollsPerStage = pollsPerStage
        let simulator = try await AmazonSimulator.start(configuration: configuration, faults: faults)
        let settings = AmazonSettings(
            sellerID: configuration.sellerID, marketplaceIDs: ["ATVPDKIKX0DER"],
            endpoint: simulator.endpoint, tokenEndpoint: simulator.tokenEndpoint, rateLimits: rateLimits)
        let account = AmazonAccount(
            id: 7, name: "Amazon US test", settings: settings,
            credentials: credentials
                ?? AmazonCredentials(
                    clientID: configuration.clientID, clientSecret: configuration.clientSecret,
                    refreshToken: configuration.refreshToken))
        var db: TestDatabase?
        var pool: PostgresPool?
        if database {
            db = try await TestDatabase.create(label: label)
            pool = db!.pool(size: 2)
        }
        return AmazonClientFixture(simulator: simulator, account: account, tokens: LWATokenProvider(), db: db, pool: pool)
    }

    func client(timeout: Duration = .seconds(10), rateLimiter: RateLimiter? = nil) -> SPAPIClient {
        SPAPIClient(account: account, http: URLSessionHTTPClient(), tokens: tokens, rateLimiter: rateLimiter, timeout: timeout)
    }

    func stop() async {
        await simulator.stop()
        await pool?.close()
        await db?.drop()
    }

    /// Fails the test if `text` holds a client secret, a refresh token or any issued access token.
    func expectNoSecrets(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        for secret in Self.secretValues + (await simulator.issuedTokens()) {
            #expect(!text.contains(secret), "a secret leaked into: \(text)", sourceLocation: sourceLocation)
        }
    }

    /// A valid JSON_LISTINGS_FEED: a create for each SKU, then a price and quantity PATCH for the first.
    static func feed(skus: [String], seller: String = configuration.sellerID) -> Data {
        var messages: [[String: Any]] = []
        for (index, sku) in skus.enumerated() {
            messages.append([
                "messageId": index + 1, "sku": sku, "operationType": "UPDATE", "productType": "PRODUCT",
                "requirements": "LISTING",
                "attributes": [
                    "item_name": [["value": "Item \(sku)", "language_tag": "en_US", "marketplace_id": "ATVPDKIKX0DER"]],
                    "condition_type": [["value": "new_new", "marketplace_id": "ATVPDKIKX0DER"]],
                ],
            ])
        }
        if let first = skus.first {
            messages.append([
                "messageId": skus.count + 1, "sku": first, "operationType": "PATCH", "productType": "PRODUCT",
                "patches": [
                    [
                        "op": "replace", "path": "/attributes/purchasable_offer",
                        "value": [
                            [
                                "marketplace_id": "ATVPDKIKX0DER", "currency": "USD", "audience": "ALL",
                                "our_price": [["schedule": [["value_with_tax": Decimal(string: "19.99")!]]]],
                            ]
                        ],
                    ],
                    [
                        "op": "replace", "path": "/attributes/fulfillment_availability",
                        "value": [["fulfillment_channel_code": "DEFAULT", "quantity": 12]],
                    ],
                ],
            ])
        }
        let document: [String: Any] = [
            "header": ["sellerId": seller, "version": "2.0", "issueLocale": "en_US"], "messages": messages,
        ]
        return try! JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
    }
}
