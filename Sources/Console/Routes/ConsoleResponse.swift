import FlyingFox
import Foundation

/// The console's responses, with the headers every one of them carries: no
/// caching (pages show live state and CSRF tokens), no framing, no sniffing,
/// and a content policy that allows only the console's own script and style.
enum ConsoleResponse {
    static func html(_ status: HTTPStatusCode, _ body: String, headers extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
        var headers = common
        headers[.contentType] = "text/html; charset=utf-8"
        for (name, value) in extra { headers[name] = value }
        return HTTPResponse(statusCode: status, headers: headers, body: Data(body.utf8))
    }

    static func json(_ object: [String: Any]) -> HTTPResponse {
        var headers = common
        headers[.contentType] = "application/json"
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return HTTPResponse(statusCode: .ok, headers: headers, body: data)
    }

    /// 303 See Other: after a POST the browser GETs the page (no resubmission on reload).
    static func redirect(_ location: String, headers extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
        var headers = common
        headers[.location] = location
        for (name, value) in extra { headers[name] = value }
        return HTTPResponse(statusCode: .seeOther, headers: headers, body: Data())
    }

    static func file(_ body: String, type: String) -> HTTPResponse {
        var headers = common
        headers[.contentType] = type
        headers[.cacheControl] = "max-age=300"
        return HTTPResponse(statusCode: .ok, headers: headers, body: Data(body.utf8))
    }

    static let common: [HTTPHeader: String] = [
        .cacheControl: "no-store",
        HTTPHeader("X-Content-Type-Options"): "nosniff",
        HTTPHeader("X-Frame-Options"): "DENY",
        HTTPHeader("Referrer-Policy"): "same-origin",
        HTTPHeader("Content-Security-Policy"):
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
    ]

    /// The status code FlyingFox knows for a number (the console uses few).
    static func status(_ code: Int) -> HTTPStatusCode {
        switch code {
        case 400: return .badRequest
        case 403: return .forbidden
        case 404: return .notFound
        case 405: return .methodNotAllowed
        case 409: return .conflict
        case 413: return .payloadTooLarge
        default: return .internalServerError
        }
    }
}
