import Foundation

/// A Login with Amazon access token and when it stops working. Its text is
/// never printed: `description` is redacted; only the client reads `value`,
/// to put it in the `x-amz-access-token` header.
public struct LWAAccessToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String
    public let expiresAt: Date
    /// When the cache stops handing it out: shortly before `expiresAt`, so a
    /// token never expires in flight.
    public let refreshAt: Date

    init(value: String, issuedAt: Date, lifetime: TimeInterval, margin: TimeInterval) {
        self.value = value
        expiresAt = issuedAt.addingTimeInterval(lifetime)
        // At most `margin` early, and never more than a tenth of a short lifetime.
        refreshAt = expiresAt.addingTimeInterval(-min(margin, lifetime / 10))
    }

    public var description: String { "[LWA access token redacted, expires \(expiresAt.formatted(.iso8601))]" }
    public var debugDescription: String { description }
}
