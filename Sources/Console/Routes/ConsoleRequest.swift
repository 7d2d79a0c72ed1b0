import FlyingFox
import Foundation

/// A request as the routes see it: method, path segments, decoded query and
/// form fields, cookies and the peer's address (what login throttling counts).
struct ConsoleRequest: Sendable {
    var method: String
    /// The path split at "/", without empty segments: "/jobs/12" is ["jobs", "12"].
    var segments: [String]
    var query: [String: String]
    var form: [String: String]
    var cookies: [String: String]
    var address: String

    /// Reads at most `maxBody` bytes of body; a larger one is refused before
    /// it is read in full (413), a malformed form is a 400.
    static func read(_ request: FlyingFox.HTTPRequest, maxBody: Int) async throws -> ConsoleRequest {
        let path = request.path
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var query: [String: String] = [:]
        for item in request.query where query[item.name] == nil { query[item.name] = item.value }
        var form: [String: String] = [:]
        if request.method == .POST {
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBody {
                throw ConsoleError.tooLarge("the request body is \(declared) bytes; the console reads at most \(maxBody)")
            }
            var body = Data()
            for try await chunk in request.bodySequence {
                body.append(chunk)
                if body.count > maxBody {
                    throw ConsoleError.tooLarge("the request body is over \(maxBody) bytes, the most the console reads")
                }
            }
            let type = request.headers[.contentType]?.lowercased() ?? ""
            if !body.isEmpty {
                guard type.hasPrefix("application/x-www-form-urlencoded") else {
                    throw ConsoleError.badRequest("send forms as application/x-www-form-urlencoded, not '\(type.prefix(60))'")
                }
                form = try FormData.parse(body)
            }
        }
        var address = "unknown"
        switch request.remoteAddress {
        case .ip4(let host, _)?, .ip6(let host, _)?: address = host
        case .unix(let path)?: address = "unix:" + path
        case nil: break
        }
        return ConsoleRequest(
            method: request.method.rawValue, segments: segments, query: query, form: form,
            cookies: Self.cookies(request.headers[.cookie]), address: address)
    }

    /// `Cookie: a=1; b=2` as a dictionary.
    static func cookies(_ header: String?) -> [String: String] {
        guard let header else { return [:] }
        var cookies: [String: String] = [:]
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, cookies[pair[0]] == nil { cookies[pair[0]] = pair[1] }
        }
        return cookies
    }

    /// A path segment or form field that must be a positive id.
    func id(_ text: String?, what: String) throws -> Int64 {
        guard let text, let id = Int64(text), id > 0 else {
            throw ConsoleError.badRequest("\(what) must be a positive whole number, got '\(text?.prefix(40) ?? "")'")
        }
        return id
    }
}
