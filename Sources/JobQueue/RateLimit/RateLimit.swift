import Foundation

/// One quota a call must fit in, kept in `marketplace_rate_limit` so every
/// worker on every machine shares it (migration 0005). Keys name the owner of
/// the quota, e.g. `amazon:3:createFeed`: the marketplace, the account, the operation.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// How the quota refills.
    public enum Kind: Sendable, Hashable {
        /// A token bucket: `rate` tokens per second, at most `burst` stored
        /// (SP-API's usage plans are stated this way).
        case bucket(rate: Decimal, burst: Int)
        /// At most `limit` events in any `seconds`-long window (e.g. Amazon's
        /// "5 JSON_LISTINGS_FEED submissions per 5 minutes").
        case window(limit: Int, seconds: Decimal)
    }

    public var key: String
    public var kind: Kind

    public init(key: String, kind: Kind) {
        self.key = key
        self.kind = kind
    }

    /// A token bucket limit.
    public static func bucket(_ key: String, rate: Decimal, burst: Int) -> RateLimit {
        RateLimit(key: key, kind: .bucket(rate: rate, burst: burst))
    }

    /// A sliding window limit.
    public static func window(_ key: String, limit: Int, seconds: Decimal) -> RateLimit {
        RateLimit(key: key, kind: .window(limit: limit, seconds: seconds))
    }

    public var description: String {
        switch kind {
        case .bucket(let rate, let burst): return "\(key) (\(rate)/s, burst \(burst))"
        case .window(let limit, let seconds): return "\(key) (\(limit) per \(seconds) s)"
        }
    }
}
