import Foundation

/// What the Amazon simulator has served, for tests that check how the client behaved.
public struct AmazonSimulatorStats: Sendable, Codable, Equatable {
    /// Token requests answered with a token.
    public var tokensIssued = 0
    /// Token requests refused (bad client, bad refresh token).
    public var tokenRequestsRefused = 0
    /// SP-API requests by operation id (`createFeed`, `getFeed`, …), faults included.
    public var operations: [String: Int] = [:]
    /// SP-API requests refused for a missing, unknown or expired access token.
    public var unauthorized = 0
    /// Injected faults served (500, 429, HTML, malformed, garbage gzip).
    public var faultsServed = 0
    public var uploads = 0
    public var downloads = 0
    /// PUTs refused because they carried an auth header or the wrong Content-Type.
    public var refusedUploads = 0

    enum CodingKeys: String, CodingKey {
        case tokensIssued = "tokens_issued", tokenRequestsRefused = "token_requests_refused", operations, unauthorized
        case faultsServed = "faults_served", uploads, downloads, refusedUploads = "refused_uploads"
    }

    public init() {}
}
