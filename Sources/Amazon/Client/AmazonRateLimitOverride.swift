import Foundation

/// An account's own terms for one quota (`settings.rate_limits`), for a seller
/// whom Amazon granted more, or a sandbox or simulator run that must not wait
/// five minutes between feeds. Omitted fields keep the model's defaults.
///
/// Keys: an operation (`createFeedDocument`, `createFeed`, `getFeed`,
/// `getFeedDocument`) with `rate` (per second) and `burst`, or
/// `feed_submissions` with `limit` and `seconds`.
public struct AmazonRateLimitOverride: Decodable, Sendable, Equatable {
    /// Tokens per second (buckets).
    public var rate: Decimal?
    /// Most tokens stored (buckets).
    public var burst: Int?
    /// Most events per window (`feed_submissions`).
    public var limit: Int?
    /// The window's length in seconds (`feed_submissions`).
    public var seconds: Decimal?

    /// The key for the JSON_LISTINGS_FEED submissions window.
    public static let feedSubmissionsKey = "feed_submissions"

    /// An override from parts.
    public init(rate: Decimal? = nil, burst: Int? = nil, limit: Int? = nil, seconds: Decimal? = nil) {
        self.rate = rate
        self.burst = burst
        self.limit = limit
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey { case rate, burst, limit, seconds }

    /// Every field optional; each given one must be positive.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rate = try container.decodeIfPresent(Decimal.self, forKey: .rate)
        burst = try container.decodeIfPresent(Int.self, forKey: .burst)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        seconds = try container.decodeIfPresent(Decimal.self, forKey: .seconds)
        if let rate, rate <= 0 {
            throw DecodingError.dataCorruptedError(forKey: .rate, in: container, debugDescription: "must be > 0")
        }
        if let burst, burst < 1 {
            throw DecodingError.dataCorruptedError(forKey: .burst, in: container, debugDescription: "must be >= 1")
        }
        if let limit, limit < 1 {
            throw DecodingError.dataCorruptedError(forKey: .limit, in: container, debugDescription: "must be >= 1")
        }
        if let seconds, seconds <= 0 {
            throw DecodingError.dataCorruptedError(forKey: .seconds, in: container, debugDescription: "must be > 0")
        }
    }
}
