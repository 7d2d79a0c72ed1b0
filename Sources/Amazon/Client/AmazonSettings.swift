import Foundation
import JobQueue

/// An Amazon account's `settings` (non-secret). `seller_id` and
/// `marketplace_ids` are required; every URL has a default and is stored per
/// account, so the sandbox or `marketplace-sim amazon` can stand in.
public struct AmazonSettings: Decodable, Sendable, Equatable {
    /// The North America SP-API endpoint.
    public static let defaultEndpoint = URL(string: "https://sellingpartnerapi-na.amazon.com")!
    /// Login with Amazon's token endpoint.
    public static let defaultTokenEndpoint = URL(string: "https://api.amazon.com/auth/o2/token")!

    /// The seller's merchant id (the feed header's `sellerId`).
    public var sellerID: String
    /// Marketplaces the feeds apply to, e.g. `["ATVPDKIKX0DER"]`.
    public var marketplaceIDs: [String]
    /// The SP-API regional endpoint.
    public var endpoint: URL
    /// Login with Amazon's token endpoint.
    public var tokenEndpoint: URL
    /// Base URL of product images; image syncs need it.
    public var imageBaseURL: URL?
    /// ISO 4217 code for offer prices, e.g. `USD`.
    public var currency: String?
    /// The product type for products that do not name one, e.g. `PRODUCT`.
    public var defaultProductType: String?
    /// How often the scheduler syncs in automatic mode.
    public var intervalSeconds: Int
    /// The seed's "Active flag": automatic mode on.
    public var automatic: Bool
    /// Per-quota overrides of the model's rate limits (`rate_limits`), by operation or `feed_submissions`.
    public var rateLimits: [String: AmazonRateLimitOverride]
    /// How long one SP-API or storage request may take before it counts as
    /// timed out (`request_timeout_seconds`, 1 to 300, default 60). A
    /// simulator run lowers it to see a slow answer as a timeout quickly.
    public var requestTimeoutSeconds: Int

    enum CodingKeys: String, CodingKey {
        case sellerID = "seller_id", marketplaceIDs = "marketplace_ids", endpoint, tokenEndpoint = "token_endpoint"
        case imageBaseURL = "image_base_url", currency, defaultProductType = "default_product_type"
        case intervalSeconds = "interval_seconds", automatic, rateLimits = "rate_limits"
        case requestTimeoutSeconds = "request_timeout_seconds"
    }

    /// Settings from parts (tests, tools), with the documented defaults.
    public init(
        sellerID: String, marketplaceIDs: [String], endpoint: URL = defaultEndpoint,
        tokenEndpoint: URL = defaultTokenEndpoint, imageBaseURL: URL? = nil, currency: String? = nil,
        defaultProductType: String? = nil, intervalSeconds: Int = 600, automatic: Bool = false,
        rateLimits: [String: AmazonRateLimitOverride] = [:], requestTimeoutSeconds: Int = 60
    ) {
        self.sellerID = sellerID
        self.marketplaceIDs = marketplaceIDs
        self.endpoint = endpoint
        self.tokenEndpoint = tokenEndpoint
        self.imageBaseURL = imageBaseURL
        self.currency = currency
        self.defaultProductType = defaultProductType
        self.intervalSeconds = intervalSeconds
        self.automatic = automatic
        self.rateLimits = rateLimits
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }

    /// Decodes and validates the `settings` column; errors name the key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sellerID = try Self.nonEmpty(container, .sellerID, example: "A2EXAMPLE1234")
        marketplaceIDs = try container.decode([String].self, forKey: .marketplaceIDs)
        guard !marketplaceIDs.isEmpty, marketplaceIDs.count <= 25,
            marketplaceIDs.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .marketplaceIDs, in: container,
                debugDescription: "expected 1 to 25 marketplace ids such as [\"ATVPDKIKX0DER\"]")
        }
        endpoint = try Self.url(container, .endpoint) ?? Self.defaultEndpoint
        tokenEndpoint = try Self.url(container, .tokenEndpoint) ?? Self.defaultTokenEndpoint
        imageBaseURL = try Self.url(container, .imageBaseURL)
        if let code = try container.decodeIfPresent(String.self, forKey: .currency) {
            guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .currency, in: container,
                    debugDescription: "expected an ISO 4217 code such as \"USD\"")
            }
            currency = code
        }
        defaultProductType = try container.decodeIfPresent(String.self, forKey: .defaultProductType)
            .flatMap { $0.isEmpty ? nil : $0 }
        intervalSeconds = try container.decodeIfPresent(Int.self, forKey: .intervalSeconds) ?? 600
        guard intervalSeconds > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .intervalSeconds, in: container,
                debugDescription: "must be a positive number of seconds")
        }
        automatic = try container.decodeIfPresent(Bool.self, forKey: .automatic) ?? false
        rateLimits = try container.decodeIfPresent([String: AmazonRateLimitOverride].self, forKey: .rateLimits) ?? [:]
        requestTimeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .requestTimeoutSeconds) ?? 60
        guard (1...300).contains(requestTimeoutSeconds) else {
            throw DecodingError.dataCorruptedError(
                forKey: .requestTimeoutSeconds, in: container, debugDescription: "must be 1 to 300 seconds")
        }
        let known = Set(SPAPIOperation.allCases.map(\.rawValue) + [AmazonRateLimitOverride.feedSubmissionsKey])
        if let unknown = rateLimits.keys.sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorruptedError(
                forKey: .rateLimits, in: container,
                debugDescription: "unknown quota \"\(unknown)\"; expected one of \(known.sorted().joined(separator: ", "))")
        }
    }

    private static func nonEmpty(
        _ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys,
        example: String
    ) throws -> String {
        let value = try container.decode(String.self, forKey: key).trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "must not be empty, e.g. \"\(example)\"")
        }
        return value
    }

    private static func url(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> URL? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        let trimmed = text.hasSuffix("/") && key != .imageBaseURL ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", url.host != nil
        else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "expected an http(s) URL, got \"\(text.prefix(80))\"")
        }
        return url
    }
}
