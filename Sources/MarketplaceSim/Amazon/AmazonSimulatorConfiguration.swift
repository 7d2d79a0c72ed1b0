import Foundation

/// How an Amazon simulator behaves: whom it accepts and how fast feeds move.
public struct AmazonSimulatorConfiguration: Sendable, Codable, Equatable {
    /// The LWA client and refresh token the token endpoint accepts.
    public var clientID: String
    public var clientSecret: String
    public var refreshToken: String
    /// The seller whose feeds are accepted (the feed header's `sellerId`).
    public var sellerID: String
    /// `expires_in` of issued access tokens.
    public var tokenLifetimeSeconds: Int
    /// How long a feed takes from creation to DONE/FATAL: IN_QUEUE for the first
    /// half, IN_PROGRESS for the second. 0 = done at the first `getFeed`.
    public var processingDelayMilliseconds: Int
    /// How long pre-signed URLs stay valid.
    public var presignedURLLifetimeSeconds: Int

    public init(clientID: String = "amzn1.application-oa2-client.demo", clientSecret: String = "demo-client-secret",
                refreshToken: String = "Atzr|demo-refresh-token", sellerID: String = "A2DEMOSELLER",
                tokenLifetimeSeconds: Int = 3600, processingDelayMilliseconds: Int = 0, presignedURLLifetimeSeconds: Int = 300) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.sellerID = sellerID
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.processingDelayMilliseconds = processingDelayMilliseconds
        self.presignedURLLifetimeSeconds = presignedURLLifetimeSeconds
    }
}
