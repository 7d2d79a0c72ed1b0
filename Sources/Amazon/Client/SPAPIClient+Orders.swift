import Foundation

/// The Orders API 2026-01-01 calls.
extension SPAPIClient {
    /// The Orders API version path.
    public static let ordersPath = "/orders/2026-01-01"

    /// `searchOrders`: one page. Takes the operation's token from the shared
    /// bucket (0.0056 requests/s, burst 20 by default) first.
    public func searchOrders(_ search: OrderSearch) async throws(AmazonError) -> OrdersPage {
        try await call(
            .searchOrders, method: "GET", path: "\(Self.ordersPath)/orders", body: nil as [String: String]?,
            query: search.queryItems)
    }
}
