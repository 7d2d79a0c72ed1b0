import Foundation
import JobQueue

/// `amazon.test_connection`: the console's "Test connection" for an Amazon
/// account. Asks Login with Amazon for a fresh access token with the account's
/// client id, secret and refresh token (a provider of its own, so the shared
/// cache cannot answer for it), and reports when the token expires, never the
/// token. Runs as a job because only the worker may read the credentials.
public struct TestConnectionJob: JobHandler {
    /// The `job_type` the console enqueues.
    public static let jobType = "amazon.test_connection"
    /// One token request; a minute covers a slow LWA endpoint.
    public static var timeout: Duration { .seconds(60) }
    /// It tests one account.
    public static var requiresAccount: Bool { true }

    /// When the token Amazon issued stops working.
    public struct Result: Codable, Sendable {
        /// The expiry Amazon gave the token (the token itself is never stored).
        public var tokenExpiresAt: Date
        enum CodingKeys: String, CodingKey { case tokenExpiresAt = "token_expires_at" }
    }

    /// The handler; it holds nothing.
    public init() {}

    /// Requests a fresh token; an LWA refusal fails the job with its message.
    public func run(_ payload: EmptyPayload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let token = try await AmazonJobSupport.call { () async throws(AmazonError) in
            try await LWATokenProvider().accessToken(for: account, http: context.http)
        }
        return Result(tokenExpiresAt: token.expiresAt)
    }

    /// One line for `jobctl show` and the console.
    public static func describe(result: Data) -> String? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let result = try? decoder.decode(Result.self, from: result) else { return nil }
        return "connection OK: Login with Amazon issued an access token, valid until \(result.tokenExpiresAt)"
    }
}
