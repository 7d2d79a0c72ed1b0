import Foundation
import Gzip

/// The order half of the simulator's state: orders, `searchOrders` and the
/// XML order feeds.
extension AmazonSimulatorState {
    /// Settles an XML feed this file knows (`POST_ORDER_ACKNOWLEDGEMENT_DATA`);
    /// false for any other type, which the caller processes as before.
    func settleXMLFeed(_ feed: inout AmazonSimulatedFeed, now: Date) -> Bool {
        guard feed.feedType == "POST_ORDER_ACKNOWLEDGEMENT_DATA" else { return false }
        let bytes = documents[feed.inputFeedDocumentID]?.bytes ?? Data()
        let outcome = orderBook.processAcknowledgements(
            document: bytes, feedID: feed.feedID, sellerID: configuration.sellerID, now: now)
        let report = Document(
            id: "amzn1.tortuga.4.na.report." + UUID().uuidString.lowercased(), contentType: "text/xml",
            signature: Self.randomHex(32), createdAt: now, bytes: (try? Gzip.compress(outcome.report)) ?? outcome.report,
            isReport: true)
        documents[report.id] = report
        feed.processingStatus = outcome.fatal ? "FATAL" : "DONE"
        feed.resultFeedDocumentID = report.id
        feed.processedAt = now
        var summary = AmazonProcessingReport.Summary()
        summary.errors = outcome.withError
        summary.messagesProcessed = outcome.processed
        summary.messagesAccepted = outcome.successful
        summary.messagesInvalid = outcome.withError
        feed.summary = summary
        return true
    }

    /// A `searchOrders` page (or its 400), recorded.
    func searchOrders(query: [String: String]) -> (status: Int, body: Data) {
        let answer = orderBook.search(query: query, now: Date())
        let body = (try? JSONSerialization.data(withJSONObject: answer.body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return (answer.status, body)
    }

    /// Whether a page request must wait (`holdOrderPages(after:)`); counts the request when it may go.
    func mayServeOrderPage() -> Bool {
        guard let limit = orderBook.holdAfter else { return true }
        if orderBook.servedSinceHold >= limit { return false }
        orderBook.servedSinceHold += 1
        return true
    }

    func holdOrderPages(after pages: Int?) {
        orderBook.holdAfter = pages
        orderBook.servedSinceHold = 0
    }

    func addOrders(
        count: Int, status: String, updatedAt: Date, itemsPerOrder: Int, unitPrice: String, currency: String,
        marketplaceID: String, skuPrefix: String
    ) -> [String] {
        orderBook.add(
            count: count, status: status, updatedAt: updatedAt, itemsPerOrder: itemsPerOrder, unitPrice: unitPrice,
            currency: currency, marketplaceID: marketplaceID, skuPrefix: skuPrefix)
    }

    func transitionOrders(ids: [String], status: String?, updatedAt: Date, buyerCancelReason: String?) -> [String] {
        orderBook.transition(ids: ids, status: status, updatedAt: updatedAt, buyerCancelReason: buyerCancelReason)
    }

    func expirePageTokens() { orderBook.expireCursors() }

    func orderIDs(status: String) -> [String] { orderBook.ids(status: status) }

    func allOrders() -> [AmazonSimOrder] {
        advance()
        return orderBook.all
    }

    func simOrder(id: String) -> AmazonSimOrder? {
        advance()
        return orderBook.orders[id]
    }

    func orderSearches() -> [AmazonOrderBook.SearchCall] { orderBook.searches }

    /// A processed XML feed's report bytes.
    func xmlReport(feedID: String) -> Data? {
        advance()
        guard let id = feeds[feedID]?.resultFeedDocumentID else { return nil }
        return documents[id]?.bytes.flatMap { try? Gzip.decompress($0) }
    }
}
