import Foundation
import Gzip
import HTTPClient
import JobQueue

/// Why an LWA or SP-API call failed. Every message names the account and the
/// method and URL without its query (pre-signed URLs carry signatures there);
/// never a header, a token or a secret. Quoted bodies are short and scrubbed.
/// `jobError` says what the job should do about it.
public enum AmazonError: Error, Sendable, CustomStringConvertible {
    /// Login with Amazon refused the client id, secret or refresh token (400 invalid_grant/invalid_client, 401).
    case credentialsRejected(account: String, status: Int, code: String, message: String)
    /// SP-API still answered 401/403 with a freshly issued token: the app lacks the role or the seller revoked it.
    case accessDenied(account: String, target: String, status: Int, message: String)
    /// HTTP 429, or our shared rate limit has no token yet: come back at `retryAt`.
    case throttled(account: String, target: String, retryAt: Date, detail: String)
    /// A 4xx with Amazon's own error JSON (`errors[].code: message`): the request
    /// itself is wrong (bad input, unknown feed id); sending it again cannot help.
    case rejected(account: String, target: String, status: Int, message: String)
    /// Any other non-2xx status (5xx, 408, a proxy's page, a refused upload): worth retrying.
    case httpStatus(account: String, target: String, status: Int, message: String)
    /// A body that is not the JSON the model promises (HTML, empty, malformed, a missing field).
    case unreadable(account: String, target: String, status: Int, reason: String, snippet: String)
    /// Nothing came back: refused, timed out, cut off.
    case transport(account: String, error: HTTPError)
    /// A document said GZIP but does not inflate. `raw` holds the bytes as
    /// downloaded, so the caller can keep the report for inspection.
    case notGzip(account: String, documentID: String, error: GzipError, raw: Data)
    /// The shared rate limiter's database could not be reached.
    case rateLimiterUnavailable(account: String, reason: String)

    /// One line naming the account and the call; safe for job rows and logs.
    public var description: String {
        switch self {
        case .credentialsRejected(let account, let status, let code, let message):
            return
                "Login with Amazon rejected the credentials of \(account) (HTTP \(status) \(code)\(message.isEmpty ? "" : ": \(message)")); "
                + "check its client_id, client_secret and refresh_token"
        case .accessDenied(let account, let target, let status, let message):
            return "Amazon denied \(target) for \(account) with HTTP \(status) even with a fresh access token: \(message); "
                + "check the app's roles and the seller's authorization"
        case .throttled(let account, let target, let retryAt, let detail):
            return "Amazon rate limit on \(target) for \(account): \(detail); next try at \(retryAt.formatted(.iso8601))"
        case .rejected(let account, let target, let status, let message):
            return "Amazon rejected \(target) for \(account) with HTTP \(status): \(message)"
        case .httpStatus(let account, let target, let status, let message):
            return "Amazon answered \(target) for \(account) with HTTP \(status): \(message)"
        case .unreadable(let account, let target, let status, let reason, let snippet):
            return "Amazon answered \(target) for \(account) with HTTP \(status) and \(reason): \(snippet)"
        case .transport(let account, let error):
            return "Amazon unreachable for \(account): \(error)"
        case .notGzip(let account, let documentID, let error, let raw):
            return "report document \(documentID) of \(account) is not valid gzip: \(error) (\(raw.count) bytes downloaded)"
        case .rateLimiterUnavailable(let account, let reason):
            return "the rate limiter for \(account) is unavailable: \(reason)"
        }
    }

    /// The job outcome this error calls for: rejected credentials and client
    /// mistakes (4xx) fail at once; throttling defers without spending an
    /// attempt; server trouble and unreadable answers retry with backoff.
    public var jobError: JobError {
        switch self {
        case .credentialsRejected, .accessDenied, .rejected:
            return .permanent(description)
        case .throttled(_, _, let retryAt, _):
            return .retryAfter(retryAt, description)
        case .httpStatus, .unreadable, .transport, .notGzip, .rateLimiterUnavailable:
            return .retryable(description)
        }
    }
}
