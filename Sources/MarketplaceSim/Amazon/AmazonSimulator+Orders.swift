import Foundation

/// The order routes' state, for tests (the same as the `/_control/orders` routes).
extension AmazonSimulator {
    /// Adds `count` orders last updated `updatedSecondsAgo` ago (a millisecond apart); returns their ids.
    @discardableResult
    public func addOrders(
        count: Int, status: String = "PENDING", updatedSecondsAgo: TimeInterval = 600, itemsPerOrder: Int = 1,
        unitPrice: String = "19.99", currency: String = "USD", marketplaceID: String = "ATVPDKIKX0DER",
        skuPrefix: String = "SKU"
    ) async -> [String] {
        await state.addOrders(
            count: count, status: status, updatedAt: Date().addingTimeInterval(-updatedSecondsAgo),
            itemsPerOrder: itemsPerOrder, unitPrice: unitPrice, currency: currency, marketplaceID: marketplaceID,
            skuPrefix: skuPrefix)
    }

    /// Moves orders to `status` (or only stamps them, with nil), last updated `updatedSecondsAgo` ago.
    @discardableResult
    public func transitionOrders(
        _ ids: [String], to status: String?, updatedSecondsAgo: TimeInterval = 300, buyerCancelReason: String? = nil
    ) async -> [String] {
        await state.transitionOrders(
            ids: ids, status: status, updatedAt: Date().addingTimeInterval(-updatedSecondsAgo),
            buyerCancelReason: buyerCancelReason)
    }

    /// Every order with the acknowledgements it received.
    public func orders() async -> [AmazonSimOrder] { await state.allOrders() }

    /// One order.
    public func order(id: String) async -> AmazonSimOrder? { await state.simOrder(id: id) }

    /// Every `searchOrders` request so far.
    public func orderSearches() async -> [AmazonOrderSearchRecord] {
        await state.orderSearches().map {
            AmazonOrderSearchRecord(
                after: $0.after, before: $0.before, basis: $0.basis, paginationToken: $0.paginationToken,
                returned: $0.returned, status: $0.status)
        }
    }

    /// Page requests after the next `pages` wait until `releaseOrderPages()`; nil lifts the hold.
    public func holdOrderPages(after pages: Int?) async { await state.holdOrderPages(after: pages) }

    /// Makes every page token handed out so far invalid (as after 24 hours).
    public func expireOrderPageTokens() async { await state.expirePageTokens() }

    /// Lets held page requests go.
    public func releaseOrderPages() async { await state.holdOrderPages(after: nil) }

    /// An XML feed's processing report (gunzipped).
    public func xmlReport(feedID: String) async -> Data? { await state.xmlReport(feedID: feedID) }
}
