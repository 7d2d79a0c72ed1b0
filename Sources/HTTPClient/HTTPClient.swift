import Foundation

/// The one HTTP capability handlers need. Handlers depend on this protocol, so
/// tests and simulators can stand behind any implementation; production uses
/// `URLSessionHTTPClient` (libcurl on Linux).
public protocol HTTPClient: Sendable {
    /// Sends a request. A non-2xx status is **not** an error here: the response
    /// comes back and the caller decides, because APIs differ in what a 404 or
    /// a 429 means.
    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse
}

public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?
    public var timeout: Duration

    public init(
        method: String = "GET", url: URL, headers: [String: String] = [:], body: Data? = nil,
        timeout: Duration = .seconds(30)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// Method and URL without the query string, which may carry tokens: safe for logs and errors.
    public var redactedTarget: String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.user = nil
        components?.password = nil
        return "\(method) \(components?.string ?? url.path)"
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The first `limit` characters of the body on one line, for error messages.
    public func snippet(limit: Int = 120) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "(empty body)" }
        return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    }

    /// `Retry-After` as a date: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
    public func retryAfter(now: Date = Date()) -> Date? {
        guard let value = header("retry-after")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 { return now.addingTimeInterval(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value)
    }
}

/// Failures below HTTP: nothing came back. Messages name the method and the
/// URL without its query, never headers.
public enum HTTPError: Error, Sendable, CustomStringConvertible {
    case timedOut(target: String, after: Duration)
    case connectionFailed(target: String, reason: String)
    case cancelled(target: String)

    public var description: String {
        switch self {
        case .timedOut(let target, let after): return "\(target): no response within \(after)"
        case .connectionFailed(let target, let reason): return "\(target): \(reason)"
        case .cancelled(let target): return "\(target): cancelled"
        }
    }
}
