import FlyingFox
import Foundation

/// The simulator's request handling. The `/v4` prefix is optional, so a base
/// URL with or without it works.
struct ZortoutRoutes: HTTPHandler {
    let state: ZortoutSimulatorState

    /// Zortout's largest page.
    static let maxLimit = 500
    static let quotaNotice = "API Request Limits (50000 requests/day)"

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        var path = request.path
        if path.hasPrefix("/v4/") { path.removeFirst(3) }
        if path.hasPrefix("/_control/") { return try await control(path: path, request: request) }

        var query: [String: String] = [:]
        for item in request.query { query[item.name] = item.value }

        let (fault, delay, quotaNotice) = await state.nextFault()
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        let response = await respond(
            path: path, method: request.method, query: query, headers: request.headers,
            fault: fault, quotaNotice: quotaNotice)
        await state.record(path: path, query: query, outcome: response.statusCode.code)
        return response
    }

    private func respond(
        path: String, method: HTTPMethod, query: [String: String], headers: HTTPHeaders,
        fault: ZortoutSimulatorState.Fault?, quotaNotice: Bool
    ) async -> FlyingFox.HTTPResponse {
        switch fault {
        case .internalError:
            return Self.json(["resCode": "500", "resDesc": "Internal Server Error"], status: .internalServerError)
        case .tooManyRequests(let seconds):
            var response = Self.json(["resCode": "429", "resDesc": "Too Many Requests"], status: .tooManyRequests)
            response.headers[HTTPHeader("Retry-After")] = String(seconds)
            return response
        case .html:
            let page =
                "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>"
            return FlyingFox.HTTPResponse(
                statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(page.utf8))
        case .empty:
            return FlyingFox.HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"], body: Data())
        case nil:
            break
        }

        let authorised = await state.authorised(
            storeName: headers[HTTPHeader("storename")],
            apiKey: headers[HTTPHeader("apikey")],
            apiSecret: headers[HTTPHeader("apisecret")])
        let routeKnown = ["/Product/GetProducts", "/Product/GetProductDetail", "/Warehouse/GetWarehouses"].contains(path)
        guard routeKnown, method == .GET else {
            return Self.json(["resCode": "404", "resDesc": "Not found: \(method.rawValue) \(path)"], status: .notFound)
        }
        guard authorised else {
            // Zortout answers bad credentials with HTTP 200; the warehouse route nests the error.
            let error = ["resCode": "401", "resDesc": "Unauthorized: invalid storename, apikey or apisecret"]
            return path.hasPrefix("/Warehouse") ? Self.json(["res": error]) : Self.json(error)
        }

        let catalogue = await state.catalogue
        let notice: [String: Any] =
            quotaNotice ? ["resCode": "100", "resDesc": Self.quotaNotice] : ["resCode": "200", "resDesc": ""]
        switch path {
        case "/Warehouse/GetWarehouses":
            let (page, limit) = Self.paging(query)
            let list = Self.slice(catalogue.warehouses, page: page, limit: limit).map {
                ["id": $0.id, "code": $0.code, "name": $0.name, "address": $0.address] as [String: Any]
            }
            return Self.json(notice.merging(["count": catalogue.warehouses.count, "list": list]) { $1 })
        case "/Product/GetProductDetail":
            guard let id = query["id"].flatMap(Int.init), let product = catalogue.products.first(where: { $0.id == id }) else {
                return Self.json(["resCode": "404", "resDesc": "Product not found"])
            }
            if let code = query["warehousecode"], !catalogue.warehouses.contains(where: { $0.code == code }) {
                return Self.json(["resCode": "400", "resDesc": "Warehouse code \(code) not found"])
            }
            return Self.json(notice.merging(Self.item(product, warehouse: query["warehousecode"])) { $1 })
        default:
            let warehouse = query["warehousecode"].flatMap { $0.isEmpty ? nil : $0 }
            if let warehouse, !catalogue.warehouses.contains(where: { $0.code == warehouse }) {
                return Self.json(["resCode": "400", "resDesc": "Warehouse code \(warehouse) not found"])
            }
            var products = catalogue.products
            if let search = query["searchsku"], !search.isEmpty {
                // Zortout's search is a contains match, not an exact one: clients must filter.
                products = products.filter { ($0.sku ?? "").localizedCaseInsensitiveContains(search) }
            }
            if let active = query["activestatus"], let flag = Int(active) {
                products = products.filter { $0.active == (flag == 1) }
            }
            let (page, limit) = Self.paging(query)
            let list = Self.slice(products, page: page, limit: limit).map { Self.item($0, warehouse: warehouse) }
            return Self.json(notice.merging(["count": products.count, "list": list]) { $1 })
        }
    }

    private func control(path: String, request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        switch (request.method, path) {
        case (.POST, "/_control/faults"), (.PUT, "/_control/faults"):
            let body = try await request.bodyData
            do {
                let faults = body.isEmpty ? ZortoutFaults() : try JSONDecoder().decode(ZortoutFaults.self, from: body)
                await state.setFaults(faults)
                return FlyingFox.HTTPResponse(
                    statusCode: .ok, headers: [.contentType: "application/json"],
                    body: try JSONEncoder().encode(faults))
            } catch {
                return Self.json(["error": "bad faults JSON: \(error)"], status: .badRequest)
            }
        case (.GET, "/_control/faults"):
            return FlyingFox.HTTPResponse(
                statusCode: .ok, headers: [.contentType: "application/json"],
                body: try JSONEncoder().encode(await state.faults))
        case (.GET, "/_control/stats"):
            return FlyingFox.HTTPResponse(
                statusCode: .ok, headers: [.contentType: "application/json"],
                body: try JSONEncoder().encode(await state.stats))
        case (.POST, "/_control/reset-stats"):
            await state.resetStats()
            return Self.json(["ok": true])
        default:
            return Self.json(["error": "unknown control route \(request.method.rawValue) \(path)"], status: .notFound)
        }
    }

    static func item(_ product: ZortoutCatalogue.Product, warehouse: String?) -> [String: Any] {
        var item: [String: Any] = [
            "id": product.id, "name": product.name,
            "sellprice": 100, "purchaseprice": 60,
            "stock": product.stock(in: warehouse), "availablestock": product.availableStock(in: warehouse),
            "unittext": "pcs", "weight": 0, "producttype": product.productType,
            "active": product.active, "category": "General", "categoryid": "1",
        ]
        if let sku = product.sku { item["sku"] = sku }
        return item
    }

    static func paging(_ query: [String: String]) -> (page: Int, limit: Int) {
        let page = max(1, query["page"].flatMap(Int.init) ?? 1)
        let limit = min(maxLimit, max(1, query["limit"].flatMap(Int.init) ?? 20))
        return (page, limit)
    }

    static func slice<T>(_ items: [T], page: Int, limit: Int) -> ArraySlice<T> {
        let start = (page - 1) * limit
        guard start < items.count else { return [] }
        return items[start..<min(items.count, start + limit)]
    }

    static func json(_ object: [String: Any], status: HTTPStatusCode = .ok) -> FlyingFox.HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return FlyingFox.HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: data)
    }
}
