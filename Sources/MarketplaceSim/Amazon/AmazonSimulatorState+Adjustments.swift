import Foundation

/// POST_PAYMENT_ADJUSTMENT_DATA feeds: processed against the known orders,
/// accepted refunds kept in the ledger.
extension AmazonSimulatorState {
    /// Processes one adjustment document (called by `advance` when the feed is due).
    func processAdjustments(_ bytes: Data, feedID: String) -> (report: Data, summary: AmazonProcessingReport.Summary) {
        var processor = AmazonAdjustmentProcessor(
            sellerID: configuration.sellerID, orders: sales.orders,
            seenAdjustmentItemIDs: Set(sales.adjustments.flatMap(\.merchantAdjustmentItemIDs)))
        let outcome = processor.process(bytes, feedID: feedID)
        sales.adjustments += outcome.accepted
        return (outcome.report, outcome.summary)
    }

    /// Every adjustment accepted so far (processing due feeds first).
    func allAdjustments() -> [AmazonSimulatedAdjustment] {
        _ = allFeeds()
        return sales.adjustments
    }
}
