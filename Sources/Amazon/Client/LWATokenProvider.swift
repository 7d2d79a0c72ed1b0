import Foundation
import HTTPClient

/// Exchanges an account's refresh token for access tokens and caches them in
/// the process until shortly before they expire. One provider (`shared`) serves
/// every job of a worker, so a burst of jobs for one account costs one token
/// request; concurrent callers wait for the same request.
public actor LWATokenProvider {
    /// The worker-wide cache.
    public static let shared = LWATokenProvider()

    /// What identifies a token: a changed secret or endpoint must not reuse an old one.
    struct Key: Hashable {
        let accountID: Int64
        let tokenEndpoint: URL
        let clientID: String
        let clientSecret: String
        let refreshToken: String
    }

    private var cache: [Key: LWAAccessToken] = [:]
    private var inFlight: [Key: Task<LWAAccessToken, any Error>] = [:]
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    /// Token requests actually sent, for tests and logs.
    public private(set) var requestsSent = 0

    /// - Parameter refreshMargin: how long before expiry a cached token is replaced (capped at a tenth of its lifetime).
    public init(refreshMargin: TimeInterval = 60, now: @escaping @Sendable () -> Date = Date.init) {
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// A token valid for a while yet: the cached one, or a new one from `token_endpoint`.
    public func accessToken(
        for account: AmazonAccount, http: any HTTPClient,
        timeout: Duration = .seconds(30)
    ) async throws(AmazonError) -> LWAAccessToken {
        let key = Self.key(account)
        if let token = cache[key], token.refreshAt > now() { return token }
        let task: Task<LWAAccessToken, any Error>
        if let running = inFlight[key] {
            task = running
        } else {
            requestsSent += 1
            let now = self.now
            let margin = refreshMargin
            task = Task {
                try await LWATokenRequest(account: account, http: http, timeout: timeout).send(now: now, margin: margin)
            }
            inFlight[key] = task
        }
        do {
            let token = try await task.value
            if inFlight[key] == task { inFlight[key] = nil }
            cache[key] = token
            return token
        } catch {
            if inFlight[key] == task { inFlight[key] = nil }
            if let error = error as? AmazonError { throw error }
            throw .transport(
                account: account.label, error: .cancelled(target: "POST \(account.settings.tokenEndpoint.absoluteString)"))
        }
    }

    /// Forgets `token` if it is still the cached one: Amazon said it no longer
    /// works (401/403), so the next `accessToken` asks for a new one. A token
    /// another job already replaced is left alone, so one refresh serves all.
    public func invalidate(_ token: LWAAccessToken, for account: AmazonAccount) {
        let key = Self.key(account)
        if cache[key] == token { cache[key] = nil }
    }

    /// Drops every cached token (tests; a credentials rotation).
    public func removeAll() { cache.removeAll() }

    static func key(_ account: AmazonAccount) -> Key {
        Key(
            accountID: account.id, tokenEndpoint: account.settings.tokenEndpoint, clientID: account.credentials.clientID,
            clientSecret: account.credentials.clientSecret, refreshToken: account.credentials.refreshToken)
    }
}
