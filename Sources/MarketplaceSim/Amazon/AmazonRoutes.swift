import FlyingFox
import Foundation

/// The Amazon simulator's request handling: the LWA token endpoint, the Feeds
/// API 2021-06-30 subset, pre-signed storage URLs on the same server, and the
/// `/_control/` routes (in `AmazonRoutes+Control.swift`).
struct AmazonRoutes: HTTPHandler {
    let state: AmazonSimulatorState
    static let feeds = "/feeds/2021-06-30"
    static let orders = "/orders/2026-01-01"
    static let ordersV0 = "/orders/v0"
    static let reports = "/reports/2021-06-30"
    static let reportStorage = "/_report-storage/"

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let path = request.path
        if path.hasPrefix("/_control/orders") { return try await orderControl(path: path, request: request) }
        if path.hasPrefix("/_control/") { return try await control(path: path, request: request) }
        if path.hasPrefix(Self.orders + "/") { return try await orders(request) }
        if path == "/auth/o2/token" { return try await token(request) }
        if path.hasPrefix("/_storage/") { return try await storage(request) }
        if path.hasPrefix(Self.feeds + "/") { return try await spAPI(request) }
        if path.hasPrefix(Self.ordersV0 + "/") { return try await shipments(request) }
        if path.hasPrefix(Self.reports + "/") { return try await reports(request) }
        if path.hasPrefix(Self.reportStorage) { return try await reportStorage(request) }
        return Self.errors(.notFound, code: "NotFound", message: "Resource not found: \(request.method.rawValue) \(path)")
    }

    // MARK: Login with Amazon

    private func token(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        guard request.method == .POST else {
            return Self.json(["error": "invalid_request", "error_description": "use POST"], status: .methodNotAllowed)
        }
        let form = Self.parseForm(try await request.bodyData)
        switch await state.issueToken(form: form) {
        case .issued(let token, let lifetime):
            return Self.json([
                "access_token": token, "token_type": "bearer", "expires_in": lifetime,
                "refresh_token": form["refresh_token"] ?? "",
            ])
        case .serverError:
            return Self.json(
                ["error": "ServerError", "error_description": "Internal server error"], status: .internalServerError)
        case .invalidClient:
            return Self.json(
                ["error": "invalid_client", "error_description": "Client authentication failed"], status: .unauthorized)
        case .invalidGrant:
            return Self.json(
                [
                    "error": "invalid_grant",
                    "error_description": "The request has an invalid grant parameter : refresh_token",
                ], status: .badRequest)
        case .unsupportedGrant:
            return Self.json(
                ["error": "unsupported_grant_type", "error_description": "grant_type must be refresh_token"],
                status: .badRequest)
        }
    }

    // MARK: SP-API

    private func spAPI(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let rest = String(request.path.dropFirst(Self.feeds.count))
        let parts = rest.split(separator: "/").map(String.init)
        let route: (operation: String, id: String?)
        switch (request.method, parts.count, parts.first) {
        case (.POST, 1, "documents"): route = ("createFeedDocument", nil)
        case (.GET, 2, "documents"): route = ("getFeedDocument", parts[1])
        case (.POST, 1, "feeds"): route = ("createFeed", nil)
        case (.GET, 2, "feeds"): route = ("getFeed", parts[1])
        default:
            return Self.errors(
                .notFound, code: "NotFound", message: "Resource not found: \(request.method.rawValue) \(request.path)")
        }

        if let refusal = try await gate(operation: route.operation, request: request) { return refusal }

        let body = try await request.bodyData
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        switch route.operation {
        case "createFeedDocument":
            guard let contentType = object?["contentType"] as? String, !contentType.isEmpty else {
                return Self.errors(.badRequest, code: "InvalidInput", message: "contentType is required.")
            }
            let document = await state.createDocument(contentType: contentType)
            return Self.json(["feedDocumentId": document.id, "url": storageURL(request, document)], status: .created)
        case "getFeedDocument":
            guard let document = await state.document(id: route.id!) else {
                return Self.errors(.notFound, code: "NotFound", message: "The feed document \(route.id!) was not found.")
            }
            var answer: [String: Any] = ["feedDocumentId": document.id, "url": storageURL(request, document)]
            if document.isReport { answer["compressionAlgorithm"] = "GZIP" }
            return Self.json(answer)
        case "createFeed":
            guard let feedType = object?["feedType"] as? String, let documentID = object?["inputFeedDocumentId"] as? String,
                let marketplaces = object?["marketplaceIds"] as? [String]
            else {
                return Self.errors(
                    .badRequest, code: "InvalidInput",
                    message: "feedType, marketplaceIds and inputFeedDocumentId are required.")
            }
            switch await state.createFeed(feedType: feedType, marketplaceIDs: marketplaces, inputFeedDocumentID: documentID) {
            case .created(let id):
                // A slow answer: the feed exists, but the client may have given up waiting.
                let slow = await state.takeSlowResponse(operation: "createFeed")
                if slow > 0 { try await Task.sleep(for: .milliseconds(slow)) }
                return Self.json(["feedId": id], status: .accepted)
            case .invalid(let message): return Self.errors(.badRequest, code: "InvalidInput", message: message)
            }
        default:
            guard let feed = await state.feed(id: route.id!) else {
                return Self.errors(.notFound, code: "NotFound", message: "The feed \(route.id!) was not found.")
            }
            var answer: [String: Any] = [
                "feedId": feed.feedID, "feedType": feed.feedType, "marketplaceIds": feed.marketplaceIDs,
                "createdTime": Self.iso(feed.createdAt), "processingStatus": feed.processingStatus,
            ]
            if feed.processingStatus != "IN_QUEUE" { answer["processingStartTime"] = Self.iso(feed.createdAt) }
            if let end = feed.processedAt { answer["processingEndTime"] = Self.iso(end) }
            if let result = feed.resultFeedDocumentID { answer["resultFeedDocumentId"] = result }
            return Self.json(answer)
        }
    }

    // MARK: Pre-signed storage

    private func storage(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let id = String(request.path.dropFirst("/_storage/".count))
        let signature = request.query.first { $0.name == "X-Amz-Signature" }?.value
        let outcome: AmazonSimulatorState.StorageOutcome
        switch request.method {
        case .PUT:
            let carriesAuth =
                request.headers[HTTPHeader("x-amz-access-token")] != nil
                || request.headers[HTTPHeader("Authorization")] != nil
            outcome = await state.upload(
                id: id, signature: signature, contentType: request.headers[.contentType],
                carriesAuth: carriesAuth, bytes: try await request.bodyData)
        case .GET:
            outcome = await state.download(id: id, signature: signature)
        default:
            return Self.s3Error(.methodNotAllowed, code: "MethodNotAllowed", message: "Use PUT or GET.")
        }
        switch outcome {
        case .ok(let bytes):
            return FlyingFox.HTTPResponse(
                statusCode: .ok, headers: [.contentType: "application/octet-stream"], body: bytes ?? Data())
        case .notFound: return Self.s3Error(.notFound, code: "NoSuchKey", message: "The specified key does not exist.")
        case .badSignature:
            return Self.s3Error(
                .forbidden, code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match.")
        case .expired: return Self.s3Error(.forbidden, code: "AccessDenied", message: "Request has expired")
        case .refused(let message): return Self.s3Error(.badRequest, code: "InvalidArgument", message: message)
        }
    }

    private func storageURL(_ request: FlyingFox.HTTPRequest, _ document: AmazonSimulatorState.Document) -> String {
        let host = request.headers[HTTPHeader("Host")] ?? "127.0.0.1"
        return
            "http://\(host)/_storage/\(document.id)?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=\(document.signature)"
    }

    // MARK: Encoding

    static func parseForm(_ body: Data) -> [String: String] {
        var form: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            form[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return form
    }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    static func errors(_ status: HTTPStatusCode, code: String, message: String, details: String = "") -> FlyingFox.HTTPResponse {
        json(["errors": [["code": code, "message": message, "details": details]]], status: status)
    }

    static func s3Error(_ status: HTTPStatusCode, code: String, message: String) -> FlyingFox.HTTPResponse {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
        return FlyingFox.HTTPResponse(statusCode: status, headers: [.contentType: "application/xml"], body: Data(xml.utf8))
    }

    static func json(_ object: Any, status: HTTPStatusCode = .ok) -> FlyingFox.HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return FlyingFox.HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: data)
    }

    static func encoded<T: Encodable>(_ value: T, status: HTTPStatusCode = .ok) -> FlyingFox.HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return FlyingFox.HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: data)
    }
}
