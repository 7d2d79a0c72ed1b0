import Foundation
import JobQueue

/// `amazon.test_connection`: the console's "Test connection" for an Amazon
/// account. Asks Login with Amazon for a fresh access token with the account's
/// client id, secret and refresh token (a provider of its own, so the shared
/// cache cannot answer for it), and reports when the token expires, never the
/// token. Runs as a job because only the worker may read the credentials.
public struct TestConnectionJob: JobHandler {
    public static let jobType = "amazon.test_connection"
    public static var timeout: Duration { .seconds(60) }
    public static var requiresAccount: Bool { true }

    /// When the token Amazon issued stops working.
    public struct Result: Codable, Sendable {
        public var tokenExpiresAt: Date
        enum CodingKeys: String, CodingKey { case tokenExpiresAt = "token_expires_at" }
    }

    public init() {}

    public func run(_ payload: EmptyPayload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let token = try await AmazonJobSupport.call { () async throws(AmazonError) in
            try await LWATokenProvider().accessToken(for: account, http: context.http)
        }
        return Result(tokenExpiresAt: token.expiresAt)
    }

    public static func describe(result: Data) -> String? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let result = try? decoder.decode(Result.self, from: result) else { return nil }
        return "connection OK: Login with Amazon issued an access token, valid until \(result.tokenExpiresAt)"
    }
}
