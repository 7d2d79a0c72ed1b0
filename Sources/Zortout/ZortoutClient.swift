import Foundation
import HTTPClient

/// The Zortout Open API v4 calls the stock pull needs. Business errors arrive
/// as HTTP 200 with a `resCode`; this type turns every answer into either
/// data or a `ZortoutError`, and never mistakes an error page for an empty list.
public struct ZortoutClient: Sendable {
    public static let maxPageSize = 500

    let baseURL: URL
    let credentials: ZortoutCredentials
    let http: any HTTPClient
    let timeout: Duration

    public init(baseURL: URL, credentials: ZortoutCredentials, http: any HTTPClient, timeout: Duration = .seconds(60)) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.http = http
        self.timeout = timeout
    }

    /// `GET /Product/GetProducts`.
    public func products(
        page: Int, limit: Int = maxPageSize, warehouseCode: String? = nil,
        searchSKU: String? = nil
    ) async throws(ZortoutError) -> ZortoutPage<ZortoutProduct> {
        var query = [("page", String(page)), ("limit", String(min(limit, Self.maxPageSize)))]
        if let warehouseCode { query.append(("warehousecode", warehouseCode)) }
        if let searchSKU { query.append(("searchsku", searchSKU)) }
        return try await list("Product/GetProducts", query: query)
    }

    /// Every warehouse (`GET /Warehouse/GetWarehouses`), all pages.
    public func warehouses() async throws(ZortoutError) -> [ZortoutWarehouse] {
        var all: [ZortoutWarehouse] = []
        var page = 1
        while true {
            let result: ZortoutPage<ZortoutWarehouse> = try await list(
                "Warehouse/GetWarehouses", query: [("page", String(page)), ("limit", String(Self.maxPageSize))])
            all += result.items
            if result.items.count < Self.maxPageSize || all.count >= (result.count ?? Int.max) || page >= 100 { return all }
            page += 1
        }
    }

    private func list<Item: Decodable & Sendable>(_ path: String, query: [(String, String)]) async throws(ZortoutError)
        -> ZortoutPage<Item>
    {
        let request = HTTPRequest(method: "GET", url: url(path, query: query), headers: headers(), timeout: timeout)
        let target = request.redactedTarget
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw .transport(error)
        }
        if response.status == 429 {
            throw .rateLimited(target: target, retryAfter: response.retryAfter())
        }
        guard response.isSuccess else {
            throw .httpStatus(target: target, status: response.status, snippet: snippet(response))
        }
        if response.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw .unreadable(target: target, status: response.status, reason: "an empty body", snippet: "(empty body)")
        }
        let envelope: Envelope<Item>
        do {
            envelope = try JSONDecoder().decode(Envelope<Item>.self, from: response.body)
        } catch {
            let looksHTML = response.body.prefix(200).contains(UInt8(ascii: "<"))
            let reason =
                looksHTML ? "an HTML page instead of JSON" : "a body that is not Zortout JSON (\(Self.decodingReason(error)))"
            throw .unreadable(target: target, status: response.status, reason: reason, snippet: snippet(response))
        }
        // A list (or a count) means data, whatever resCode says: reads carry a
        // "100" quota notice next to real data.
        if let list = envelope.list {
            return ZortoutPage(items: list, count: envelope.count)
        }
        let code = envelope.resCode ?? envelope.res?.resCode
        let message = envelope.resDesc ?? envelope.res?.resDesc ?? ""
        if code == "200" || (code == nil && envelope.count != nil) {
            if envelope.count == 0 || envelope.count == nil && code == "200" {
                return ZortoutPage(items: [], count: envelope.count ?? 0)
            }
            throw .unreadable(
                target: target, status: response.status, reason: "count \(envelope.count ?? 0) but no list",
                snippet: snippet(response))
        }
        guard let code else {
            throw .unreadable(
                target: target, status: response.status, reason: "neither a list nor a resCode",
                snippet: snippet(response))
        }
        throw .rejected(target: target, code: code, message: scrub(String(message.prefix(300))))
    }

    private func url(_ path: String, query: [(String, String)]) -> URL {
        // Strict encoding: `+`, `&` and spaces in a SKU must reach Zortout as themselves.
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = query.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
        let base = baseURL.absoluteString.hasSuffix("/") ? String(baseURL.absoluteString.dropLast()) : baseURL.absoluteString
        return URL(string: "\(base)/\(path)?\(encoded)")!
    }

    private func headers() -> [String: String] {
        var headers = credentials.headers
        headers["Accept"] = "application/json"
        return headers
    }

    private func snippet(_ response: HTTPResponse) -> String { scrub(response.snippet(limit: 120)) }

    /// An error body could echo a header back; never let it carry a secret into a message.
    private func scrub(_ text: String) -> String {
        credentials.secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }

    private static func decodingReason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted = error { return "malformed JSON" }
        return String(describing: error).prefix(80).description
    }
}

/// The parts of a Zortout response body the client reads.
private struct Envelope<Item: Decodable>: Decodable {
    var resCode: String?
    var resDesc: String?
    var count: Int?
    var list: [Item]?
    var res: Nested?

    struct Nested: Decodable {
        var resCode: String?
        var resDesc: String?
        enum CodingKeys: String, CodingKey { case resCode, resDesc }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resCode = try container.lenientString(.resCode)
            resDesc = try container.lenientString(.resDesc)
        }
    }

    enum CodingKeys: String, CodingKey { case resCode, resDesc, count, list, res }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        resCode = try container.lenientString(.resCode)
        resDesc = try container.lenientString(.resDesc)
        count = try container.lenientInt64(.count).map { Int($0) }
        list = try container.decodeIfPresent([Item].self, forKey: .list)
        res = try container.decodeIfPresent(Nested.self, forKey: .res)
    }
}
