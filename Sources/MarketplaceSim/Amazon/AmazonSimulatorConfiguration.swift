import Foundation

/// How an Amazon simulator behaves: whom it accepts and how fast feeds move.
public struct AmazonSimulatorConfiguration: Sendable, Codable, Equatable {
    /// The LWA client and refresh token the token endpoint accepts.
    public var clientID: String
    /// The accepted LWA client secret.
    public var clientSecret: String
    /// The accepted LWA refresh token.
    public var refreshToken: String
    /// The seller whose feeds are accepted (the feed header's `sellerId`).
    public var sellerID: String
    /// `expires_in` of issued access tokens.
    public var tokenLifetimeSeconds: Int
    /// How long a feed takes from creation to DONE/FATAL: IN_QUEUE for the first
    /// half, IN_PROGRESS for the second. 0 = done at the first `getFeed`.
    public var processingDelayMilliseconds: Int
    /// When > 0, feeds move by `getFeed` polls instead of time: IN_QUEUE for
    /// this many polls of the feed, IN_PROGRESS for as many more, then done.
    /// Deterministic, for tests that watch every state.
    public var pollsPerStage: Int
    /// How long pre-signed URLs stay valid.
    public var presignedURLLifetimeSeconds: Int

    /// Demo values by default (what `marketplace-sim amazon` accepts unless told otherwise).
    public init(
        clientID: String = "amzn1.application-oa2-client.demo", clientSecret: String = "demo-client-secret",
        refreshToken: String = "Atzr|demo-refresh-token", sellerID: String = "A2DEMOSELLER",
        tokenLifetimeSeconds: Int = 3600, processingDelayMilliseconds: Int = 0, pollsPerStage: Int = 0,
        presignedURLLifetimeSeconds: Int = 300
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.sellerID = sellerID
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.processingDelayMilliseconds = processingDelayMilliseconds
        self.pollsPerStage = pollsPerStage
        self.presignedURLLifetimeSeconds = presignedURLLifetimeSeconds
    }
}
