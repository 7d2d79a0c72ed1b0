import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `HTTPClient` over `URLSession`. On Linux this is libcurl underneath, which
/// brings TLS, proxies and HTTP/2 without a NIO build.
public final class URLSessionHTTPClient: HTTPClient {
    /// Made at the first request, not at `init`: a `URLSession` starts
    /// libcurl and its TLS library (about 5 MiB of a worker's memory), and a
    /// worker that only runs database job types never needs them.
    private let session = Mutex<URLSession?>(nil)

    /// A client; nothing is started until the first request.
    public init() {}

    private var urlSession: URLSession {
        session.withLock { session in
            if let session { return session }
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpCookieStorage = nil
            configuration.urlCache = nil
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            let made = URLSession(configuration: configuration)
            session = made
            return made
        }
    }

    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        let components = request.timeout.components
        urlRequest.timeoutInterval = Double(components.seconds) + Double(components.attoseconds) / 1e18
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        do {
            let (data, response) = try await urlSession.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else {
                throw HTTPError.connectionFailed(target: request.redactedTarget, reason: "not an HTTP response")
            }
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                headers[String(describing: key).lowercased()] = String(describing: value)
            }
            return HTTPResponse(status: http.statusCode, headers: headers, body: data)
        } catch let error as HTTPError {
            throw error
        } catch let error as URLError {
            switch error.code {
            case .timedOut: throw .timedOut(target: request.redactedTarget, after: request.timeout)
            case .cancelled: throw .cancelled(target: request.redactedTarget)
            default: throw .connectionFailed(target: request.redactedTarget, reason: Self.reason(error))
            }
        } catch is CancellationError {
            throw .cancelled(target: request.redactedTarget)
        } catch {
            throw .connectionFailed(target: request.redactedTarget, reason: String(describing: type(of: error)))
        }
    }

    /// URLError descriptions embed the full URL (query included); describe by code instead.
    private static func reason(_ error: URLError) -> String {
        switch error.code {
        case .cannotConnectToHost: return "connection refused"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .networkConnectionLost: return "connection lost"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate:
            return "TLS handshake failed"
        case .badServerResponse: return "bad server response"
        case .notConnectedToInternet: return "network unreachable"
        default: return "network error \(error.code.rawValue)"
        }
    }
}
