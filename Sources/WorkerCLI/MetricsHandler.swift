import FlyingFox
import Foundation
import Prometheus

/// Answers `GET /metrics` with the registry in Prometheus' text exposition
/// format (version 0.0.4), and 404 to anything else. It renders only what
/// the metrics hold (names, label values such as job types, numbers): no
/// payload, result, error text or credential is ever a label.
struct MetricsHandler: HTTPHandler {
    let registry: PrometheusCollectorRegistry

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        guard request.path == "/metrics" else {
            return HTTPResponse(
                statusCode: .notFound, headers: [.contentType: "text/plain"], body: Data("only /metrics here\n".utf8))
        }
        guard request.method == .GET || request.method == .HEAD else {
            return HTTPResponse(
                statusCode: .methodNotAllowed, headers: [.contentType: "text/plain"], body: Data("GET /metrics\n".utf8))
        }
        return HTTPResponse(
            statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: Data(registry.emitToBuffer()))
    }
}
