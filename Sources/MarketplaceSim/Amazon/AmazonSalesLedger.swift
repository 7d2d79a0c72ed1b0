import Foundation

/// What the simulator keeps of a seller's sales after the order (issue 11;
/// orders themselves are in `AmazonOrderBook`): the packages confirmed, the
/// adjustments accepted from feeds, and the settlement reports Amazon
/// "generated". Kept by `AmazonSimulatorState`; worked by its `+Shipments`,
/// `+Adjustments` and `+Reports` extensions.
struct AmazonSalesLedger {
    /// Packages by "orderID#packageReferenceId", and the keys in the order first confirmed.
    var packages: [String: AmazonSimulatedPackage] = [:]
    var packageOrder: [String] = []
    /// Accepted confirmShipment calls (a resend counts, but adds no package).
    var confirmations = 0
    /// Adjustments accepted from POST_PAYMENT_ADJUSTMENT_DATA feeds, in order.
    var adjustments: [AmazonSimulatedAdjustment] = []
    /// Settlement reports, oldest first, and their documents by id.
    var reports: [AmazonSimulatedReport] = []
    var reportDocuments: [String: AmazonSimulatedReportDocument] = [:]
    /// Open getReports listings by nextToken.
    var reportTokens: [String: (filter: AmazonReportFilter, offset: Int)] = [:]
    var nextReportNumber = 70_001
}
