import Foundation

/// Trouble the Amazon simulator serves on purpose. Counters apply to SP-API
/// requests (`/feeds/…`; not the token endpoint, storage or control routes),
/// one per request, in the order listed. Set by `AmazonSimulator.setFaults`,
/// `POST /_control/faults` with this JSON, or `marketplace-sim amazon` flags.
public struct AmazonFaults: Sendable, Codable, Equatable {
    /// Serve this many SP-API requests normally before the counted faults start.
    public var afterRequests: Int
    /// The next N SP-API requests get HTTP 500 with an SP-API error list.
    public var internalErrors: Int
    /// The next N SP-API requests get HTTP 429 `QuotaExceeded`.
    public var tooManyRequests: Int
    /// The `x-amzn-RateLimit-Limit` value sent with those 429s; nil sends none.
    public var rateLimitLimit: String?
    /// The next N SP-API requests get an HTML error page (HTTP 503, as a load balancer would).
    public var htmlPages: Int
    /// The next N SP-API requests get HTTP 200 with a body that is not JSON.
    public var malformedJSON: Int
    /// The next N SP-API requests get HTTP 403 `Unauthorized` whatever the token
    /// (an app without the role, a seller who revoked it).
    public var accessDenied: Int
    /// The next N report downloads serve bytes that are not gzip.
    public var garbageReports: Int
    /// The next N token requests get HTTP 500.
    public var tokenErrors: Int
    /// Every SP-API request waits this long (0 = none).
    public var delayMilliseconds: Int
    /// The next N requests of `slowOperation` are carried out (a package
    /// recorded, a feed created), then answered only after `slowMilliseconds`:
    /// a client with a shorter timeout sees a timeout for work that was done.
    public var slowResponses: Int
    /// The operation that answers late (`confirmShipment`, `createFeed`); nil: any that supports it.
    public var slowOperation: String?
    /// How late those answers come.
    public var slowMilliseconds: Int

    /// No faults unless given.
    public init(
        afterRequests: Int = 0, internalErrors: Int = 0, tooManyRequests: Int = 0, rateLimitLimit: String? = nil,
        htmlPages: Int = 0, malformedJSON: Int = 0, accessDenied: Int = 0, garbageReports: Int = 0, tokenErrors: Int = 0,
        delayMilliseconds: Int = 0, slowResponses: Int = 0, slowOperation: String? = nil, slowMilliseconds: Int = 0
    ) {
        self.afterRequests = afterRequests
        self.internalErrors = internalErrors
        self.tooManyRequests = tooManyRequests
        self.rateLimitLimit = rateLimitLimit
        self.htmlPages = htmlPages
        self.malformedJSON = malformedJSON
        self.accessDenied = accessDenied
        self.garbageReports = garbageReports
        self.tokenErrors = tokenErrors
        self.delayMilliseconds = delayMilliseconds
        self.slowResponses = slowResponses
        self.slowOperation = slowOperation
        self.slowMilliseconds = slowMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case afterRequests = "after_requests", internalErrors = "internal_errors", tooManyRequests = "too_many_requests"
        case rateLimitLimit = "rate_limit_limit", htmlPages = "html_pages", malformedJSON = "malformed_json", accessDenied =
            "access_denied"
        case garbageReports = "garbage_reports", tokenErrors = "token_errors", delayMilliseconds = "delay_ms"
        case slowResponses = "slow_responses", slowOperation = "slow_operation", slowMilliseconds = "slow_ms"
    }

    /// Every field optional, so `{"too_many_requests": 3, "rate_limit_limit": "0.5"}` is complete.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys) throws -> Int { try container.decodeIfPresent(Int.self, forKey: key) ?? 0 }
        self.init(
            afterRequests: try count(.afterRequests), internalErrors: try count(.internalErrors),
            tooManyRequests: try count(.tooManyRequests),
            rateLimitLimit: try container.decodeIfPresent(String.self, forKey: .rateLimitLimit),
            htmlPages: try count(.htmlPages), malformedJSON: try count(.malformedJSON), accessDenied: try count(.accessDenied),
            garbageReports: try count(.garbageReports), tokenErrors: try count(.tokenErrors),
            delayMilliseconds: try count(.delayMilliseconds), slowResponses: try count(.slowResponses),
            slowOperation: try container.decodeIfPresent(String.self, forKey: .slowOperation),
            slowMilliseconds: try count(.slowMilliseconds))
    }
}
