import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A plain HTTP client for the console tests: it follows no redirect and keeps
/// no cookie by itself, so each test sees exactly the status, `Location` and
/// `Set-Cookie` the console sent.
final class ConsoleClient: NSObject, URLSessionTaskDelegate, Sendable {
    /// What came back.
    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String

        func header(_ name: String) -> String? { headers[name.lowercased()] }

        /// The CSRF token of the first form on the page.
        var csrf: String? {
            guard let range = body.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) else {
                return nil
            }
            return String(body[range].dropLast().suffix(64))
        }
    }

    let base: URL
    // Set once in init, used only through its thread-safe task API.
    nonisolated(unsafe) private var session: URLSession!

    init(port: UInt16) {
        base = URL(string: "http://127.0.0.1:\(port)")!
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func get(_ path: String, cookie: String? = nil) async throws -> Response {
        try await send("GET", path, body: nil, cookie: cookie)
    }

    /// A form POST; `fields` are percent-encoded as a browser does.
    func post(_ path: String, _ fields: [String: String] = [:], cookie: String? = nil) async throws -> Response {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.sorted { $0.key < $1.key }.map {
            "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        return try await send("POST", path, body: Data(body.utf8), cookie: cookie)
    }

    func send(
        _ method: String, _ path: String, body: Data?, cookie: String?,
        contentType: String = "application/x-www-form-urlencoded"
    ) async throws -> Response {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        let session = self.session!
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                    return
                }
                let http = response as! HTTPURLResponse
                var headers: [String: String] = [:]
                for (key, value) in http.allHeaderFields {
                    headers[String(describing: key).lowercased()] = String(describing: value)
                }
                continuation.resume(
                    returning: Response(
                        status: http.statusCode, headers: headers, body: String(decoding: data ?? Data(), as: UTF8.self)))
            }.resume()
        }
    }
}
