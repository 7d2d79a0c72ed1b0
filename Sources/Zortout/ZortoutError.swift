import Foundation
import HTTPClient
import JobQueue

/// Why a Zortout call failed. Messages name the method and path (never the
/// query, never headers) and quote at most a short, secret-scrubbed snippet.
public enum ZortoutError: Error, Sendable, CustomStringConvertible {
    /// HTTP 200 with a `resCode` other than success, e.g. bad credentials.
    case rejected(target: String, code: String, message: String)
    /// HTTP 429.
    case rateLimited(target: String, retryAfter: Date?)
    /// Any other non-2xx status.
    case httpStatus(target: String, status: Int, snippet: String)
    /// A 2xx body that is not the JSON Zortout sends (HTML, empty, malformed).
    case unreadable(target: String, status: Int, reason: String, snippet: String)
    /// Nothing came back: refused, timed out, cut off.
    case transport(HTTPError)

    public var description: String {
        switch self {
        case .rejected(let target, let code, let message):
            let hint =
                Self.looksLikeCredentials(code: code, message: message)
                ? " (check the account's store_name, api_key and api_secret)" : ""
            return "Zortout rejected \(target): resCode \(code): \(message.isEmpty ? "(no resDesc)" : message)\(hint)"
        case .rateLimited(let target, _):
            return "Zortout rate limit on \(target) (HTTP 429)"
        case .httpStatus(let target, let status, let snippet):
            return "Zortout answered \(target) with HTTP \(status): \(snippet)"
        case .unreadable(let target, let status, let reason, let snippet):
            return "Zortout answered \(target) with HTTP \(status) and \(reason): \(snippet)"
        case .transport(let error):
            return "Zortout unreachable: \(error)"
        }
    }

    /// The job outcome this error calls for.
    public func jobError(context prefix: String = "", now: Date = Date()) -> JobError {
        let message = prefix.isEmpty ? description : "\(prefix): \(description)"
        switch self {
        case .rejected:
            return .permanent(message)
        case .rateLimited(_, let retryAfter):
            // No Retry-After: a minute is a polite guess for a daily-quota API.
            return .retryAfter(retryAfter ?? now.addingTimeInterval(60), message)
        case .httpStatus(_, let status, _):
            if status >= 500 || status == 408 { return .retryable(message) }
            if status == 401 || status == 403 { return .permanent(message + " (check the account's credentials)") }
            return .permanent(message + " (check the account's base_url)")
        case .unreadable, .transport:
            return .retryable(message)
        }
    }

    static func looksLikeCredentials(code: String, message: String) -> Bool {
        let lower = message.lowercased()
        return code == "401" || code == "403" || lower.contains("unauthori") || lower.contains("apikey")
            || lower.contains("api key") || lower.contains("credential")
    }
}
