import Foundation
import Gzip

/// POST_PAYMENT_ADJUSTMENT_DATA feeds: processed against the order book's
/// orders, accepted refunds kept in the ledger, an XML report stored gzipped.
extension AmazonSimulatorState {
    /// Processes one due adjustment feed (called by `advance`).
    func settleAdjustmentFeed(_ feed: inout AmazonSimulatedFeed, now: Date) {
        var processor = AmazonAdjustmentProcessor(
            sellerID: configuration.sellerID, orders: orderBook.orders,
            seenAdjustmentItemIDs: Set(sales.adjustments.flatMap(\.merchantAdjustmentItemIDs)))
        let outcome = processor.process(documents[feed.inputFeedDocumentID]?.bytes ?? Data(), feedID: feed.feedID)
        sales.adjustments += outcome.accepted
        let report = Document(
            id: "amzn1.tortuga.4.na.report." + UUID().uuidString.lowercased(), contentType: "text/xml",
            signature: Self.randomHex(32), createdAt: now, bytes: (try? Gzip.compress(outcome.report)) ?? outcome.report,
            isReport: true)
        documents[report.id] = report
        feed.processingStatus = "DONE"
        feed.resultFeedDocumentID = report.id
        feed.processedAt = now
        feed.summary = outcome.summary
    }

    /// Every adjustment accepted so far (processing due feeds first).
    func allAdjustments() -> [AmazonSimulatedAdjustment] {
        _ = allFeeds()
        return sales.adjustments
    }
}
