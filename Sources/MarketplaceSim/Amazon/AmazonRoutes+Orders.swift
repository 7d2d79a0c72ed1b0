import FlyingFox
import Foundation

/// The Orders API 2026-01-01 `searchOrders` route and the order control
/// routes (no credentials):
/// - `POST /_control/orders` `{"count", "status", "updated_seconds_ago", "items_per_order", "unit_price",
///   "currency", "marketplace_id", "sku_prefix"}` adds orders, answers their ids;
/// - `POST /_control/orders/transition` `{"order_ids" | "from_status", "status", "updated_seconds_ago",
///   "buyer_cancel_reason"}` moves them (PENDING → UNSHIPPED → SHIPPED, or CANCELLED);
/// - `GET /_control/orders`, `GET /_control/orders/{id}`: orders with the acknowledgements received;
/// - `GET /_control/orders/searches`: every searchOrders request (windows, tokens, sizes);
/// - `POST /_control/orders/hold` `{"after_pages": N}` makes page requests after the next N wait
///   until `POST /_control/orders/release` (a test kills a worker mid-download that way);
/// - `POST /_control/orders/expire-tokens`: every page token handed out stops working (Amazon's 24 hours);
/// - `GET /_control/orders/reports/{feedId}`: an XML feed's processing report, as XML.
extension AmazonRoutes {
    func orders(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        guard request.method == .GET, request.path == Self.orders + "/orders" else {
            return Self.errors(
                .notFound, code: "NotFound", message: "Resource not found: \(request.method.rawValue) \(request.path)")
        }
        if let refusal = try await gate(operation: "searchOrders", request: request) { return refusal }
        // A held page waits (the client's request stays open) until released.
        while !(await state.mayServeOrderPage()) { try await Task.sleep(for: .milliseconds(20)) }
        var query: [String: String] = [:]
        for item in request.query { query[item.name] = item.value }
        let answer = await state.searchOrders(query: query)
        return FlyingFox.HTTPResponse(
            statusCode: answer.status == 200 ? .ok : .badRequest, headers: [.contentType: "application/json"], body: answer.body)
    }

    func orderControl(path: String, request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let body = try await request.bodyData
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        let ago = { (key: String) in Date().addingTimeInterval(-((object[key] as? Double) ?? 0)) }
        switch (request.method, path) {
        case (.POST, "/_control/orders"):
            let ids = await state.addOrders(
                count: object["count"] as? Int ?? 1, status: object["status"] as? String ?? "PENDING",
                updatedAt: ago("updated_seconds_ago"), itemsPerOrder: object["items_per_order"] as? Int ?? 1,
                unitPrice: object["unit_price"] as? String ?? "19.99", currency: object["currency"] as? String ?? "USD",
                marketplaceID: object["marketplace_id"] as? String ?? "ATVPDKIKX0DER",
                skuPrefix: object["sku_prefix"] as? String ?? "SKU")
            return Self.json(["order_ids": ids])
        case (.POST, "/_control/orders/transition"):
            var ids = object["order_ids"] as? [String] ?? []
            if let from = object["from_status"] as? String { ids += await state.orderIDs(status: from) }
            let unknown = await state.transitionOrders(
                ids: ids, status: object["status"] as? String, updatedAt: ago("updated_seconds_ago"),
                buyerCancelReason: object["buyer_cancel_reason"] as? String)
            return Self.json(["moved": ids.count - unknown.count, "unknown": unknown])
        case (.GET, "/_control/orders"):
            return Self.encoded(await state.allOrders())
        case (.GET, "/_control/orders/searches"):
            return Self.encoded(await state.orderSearches())
        case (.POST, "/_control/orders/hold"):
            await state.holdOrderPages(after: object["after_pages"] as? Int ?? 0)
            return Self.json(["ok": true])
        case (.POST, "/_control/orders/expire-tokens"):
            await state.expirePageTokens()
            return Self.json(["ok": true])
        case (.POST, "/_control/orders/release"):
            await state.holdOrderPages(after: nil)
            return Self.json(["ok": true])
        default:
            if request.method == .GET, path.hasPrefix("/_control/orders/reports/") {
                let id = String(path.dropFirst("/_control/orders/reports/".count))
                guard let report = await state.xmlReport(feedID: id) else {
                    return Self.json(["error": "feed \(id) has no XML report (unknown, or not processed yet)"], status: .notFound)
                }
                return FlyingFox.HTTPResponse(statusCode: .ok, headers: [.contentType: "text/xml"], body: report)
            }
            if request.method == .GET, path.hasPrefix("/_control/orders/") {
                let id = String(path.dropFirst("/_control/orders/".count)).removingPercentEncoding ?? ""
                guard let order = await state.simOrder(id: id) else {
                    return Self.json(["error": "no order \(id)"], status: .notFound)
                }
                return Self.encoded(order)
            }
            return Self.json(["error": "unknown control route \(request.method.rawValue) \(path)"], status: .notFound)
        }
    }
}
