import Foundation
import HTTPClient

/// One `grant_type=refresh_token` exchange with Login with Amazon, and the
/// reading of its answer into a token or an `AmazonError`.
struct LWATokenRequest: Sendable {
    let account: AmazonAccount
    let http: any HTTPClient
    let timeout: Duration

    /// LWA's answer on success.
    private struct Grant: Decodable {
        let access_token: String
        let expires_in: Double
    }

    /// LWA's answer on failure (RFC 6749 §5.2).
    private struct Refusal: Decodable {
        let error: String?
        let error_description: String?
    }

    func send(now: @Sendable () -> Date, margin: TimeInterval) async throws(AmazonError) -> LWAAccessToken {
        let credentials = account.credentials
        let form = [
            ("grant_type", "refresh_token"), ("refresh_token", credentials.refreshToken),
            ("client_id", credentials.clientID), ("client_secret", credentials.clientSecret),
        ]
        let body = form.map { "\($0)=\(Self.formEncode($1))" }.joined(separator: "&")
        let request = HTTPRequest(
            method: "POST", url: account.settings.tokenEndpoint,
            headers: [
                "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
                "Accept": "application/json",
            ],
            body: Data(body.utf8), timeout: timeout)
        let target = request.redactedTarget
        let issuedAt = now()
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw .transport(account: account.label, error: error)
        }
        let snippet = AmazonText.scrub(response.snippet(limit: 120), credentials.secrets)
        if response.isSuccess {
            guard let grant = try? JSONDecoder().decode(Grant.self, from: response.body), !grant.access_token.isEmpty,
                grant.expires_in > 0
            else {
                throw .unreadable(
                    account: account.label, target: target, status: response.status,
                    reason: AmazonText.describeBody(response, expected: "a token grant"),
                    snippet: AmazonText.scrubToken(snippet))
            }
            return LWAAccessToken(value: grant.access_token, issuedAt: issuedAt, lifetime: grant.expires_in, margin: margin)
        }
        let refusal = try? JSONDecoder().decode(Refusal.self, from: response.body)
        let code = refusal?.error ?? ""
        let message = AmazonText.scrub(String((refusal?.error_description ?? "").prefix(200)), credentials.secrets)
        switch response.status {
        case 429:
            let retryAt = response.retryAfter(now: now()) ?? now().addingTimeInterval(30)
            throw .throttled(account: account.label, target: target, retryAt: retryAt, detail: "HTTP 429 from Login with Amazon")
        case 500...:
            throw .httpStatus(account: account.label, target: target, status: response.status, message: snippet)
        case 401, 403:
            throw .credentialsRejected(
                account: account.label, status: response.status,
                code: code.isEmpty ? "unauthorized" : code, message: message)
        case 400 where Self.rejectionCodes.contains(code):
            // The refresh token is revoked or wrong, or the client is unknown:
            // no retry will fix it; a person must re-authorize the app.
            throw .credentialsRejected(account: account.label, status: response.status, code: code, message: message)
        default:
            guard !code.isEmpty, response.status < 500 else {
                throw .httpStatus(account: account.label, target: target, status: response.status, message: snippet)
            }
            throw .rejected(account: account.label, target: target, status: response.status, message: "\(code): \(message)")
        }
    }

    /// RFC 6749 error codes that mean "these credentials will never work".
    static let rejectionCodes: Set<String> = ["invalid_grant", "invalid_client", "unauthorized_client"]

    /// `application/x-www-form-urlencoded`: everything but unreserved characters escaped.
    static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
