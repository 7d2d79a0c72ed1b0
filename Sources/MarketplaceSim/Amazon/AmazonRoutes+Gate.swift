import FlyingFox
import Foundation

/// What every SP-API route does before its own work: count the call, serve
/// the configured fault or delay, and check the access token.
extension AmazonRoutes {
    /// nil: go on; otherwise the response to send instead.
    func gate(operation: String, request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse? {
        let (fault, delay) = await state.nextFault(operation: operation)
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        switch fault {
        case .internalError:
            return Self.errors(
                .internalServerError, code: "InternalFailure", message: "We encountered an internal error. Please try again.")
        case .tooManyRequests(let limit):
            var response = Self.errors(
                .tooManyRequests, code: "QuotaExceeded", message: "You exceeded your quota for the requested resource.")
            if let limit { response.headers[HTTPHeader("x-amzn-RateLimit-Limit")] = limit }
            return response
        case .html:
            let page =
                "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"
            return FlyingFox.HTTPResponse(
                statusCode: .serviceUnavailable, headers: [.contentType: "text/html"], body: Data(page.utf8))
        case .accessDenied:
            return Self.errors(
                .forbidden, code: "Unauthorized", message: "Access to requested resource is denied.",
                details: "The application is not authorized for this operation.")
        case .malformedJSON:
            return FlyingFox.HTTPResponse(
                statusCode: .ok, headers: [.contentType: "application/json"], body: Data("{\"feedId\": \"5".utf8))
        case nil:
            break
        }

        switch await state.authorise(request.headers[HTTPHeader("x-amz-access-token")]) {
        case .ok: return nil
        case .expired:
            return Self.errors(
                .forbidden, code: "Unauthorized", message: "Access to requested resource is denied.",
                details: "The access token you provided has expired.")
        case .missing, .unknown:
            return Self.errors(
                .forbidden, code: "Unauthorized", message: "Access to requested resource is denied.",
                details: "The access token you provided is revoked, malformed or invalid.")
        }
    }
}
