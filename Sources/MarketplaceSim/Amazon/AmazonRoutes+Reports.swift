import FlyingFox
import Foundation

/// The Reports API 2021-06-30 subset the settlement import uses
/// (`getReports`, `getReportDocument`) and the pre-signed report downloads.
extension AmazonRoutes {
    func reports(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let parts = request.path.dropFirst(Self.reports.count).split(separator: "/").map(String.init)
        let operation: String
        switch (request.method, parts.count, parts.first) {
        case (.GET, 1, "reports"): operation = "getReports"
        case (.GET, 2, "documents"): operation = "getReportDocument"
        default:
            return Self.errors(
                .notFound, code: "NotFound", message: "Resource not found: \(request.method.rawValue) \(request.path)")
        }
        if let refusal = try await gate(operation: operation, request: request) { return refusal }
        if operation == "getReports" {
            var query: [String: String] = [:]
            for item in request.query { query[item.name] = item.value.removingPercentEncoding ?? item.value }
            switch await state.listReports(query: query) {
            case .invalid(let message):
                return Self.errors(.badRequest, code: "InvalidInput", message: message)
            case .page(let reports, let nextToken):
                var answer: [String: Any] = [
                    "reports": reports.map { report in
                        [
                            "reportId": report.reportId, "reportType": report.reportType,
                            "processingStatus": report.processingStatus, "createdTime": Self.iso(report.createdTime),
                            "reportDocumentId": report.reportDocumentId, "marketplaceIds": report.marketplaceIds,
                        ] as [String: Any]
                    }
                ]
                if let nextToken { answer["nextToken"] = nextToken }
                return Self.json(answer)
            }
        }
        let id = parts[1].removingPercentEncoding ?? parts[1]
        guard let document = await state.reportDocument(id: id) else {
            return Self.errors(.notFound, code: "NotFound", message: "The report document \(id) was not found.")
        }
        let host = request.headers[HTTPHeader("Host")] ?? "127.0.0.1"
        var answer: [String: Any] = [
            "reportDocumentId": document.id,
            "url": "http://\(host)\(Self.reportStorage)\(document.id)?X-Amz-Expires=300&X-Amz-Signature=\(document.signature)",
        ]
        if document.gzip { answer["compressionAlgorithm"] = "GZIP" }
        return Self.json(answer)
    }

    func reportStorage(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let id = String(request.path.dropFirst(Self.reportStorage.count))
        guard request.method == .GET, let document = await state.reportDocument(id: id) else {
            return Self.s3Error(.notFound, code: "NoSuchKey", message: "The specified key does not exist.")
        }
        guard request.query.first(where: { $0.name == "X-Amz-Signature" })?.value == document.signature else {
            return Self.s3Error(
                .forbidden, code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match.")
        }
        return FlyingFox.HTTPResponse(
            statusCode: .ok, headers: [.contentType: "application/octet-stream"], body: document.bytes)
    }
}
