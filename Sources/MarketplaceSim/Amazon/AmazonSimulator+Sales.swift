import Foundation

/// Issue 11's shipment, refund and settlement parts, for tests and the demo
/// (the same as the `/_control/packages`, `/_control/adjustments` and
/// `/_control/settlement-reports` routes). Shipments and refunds name the
/// orders of `addOrders` (`AmazonSimulator+Orders.swift`).
extension AmazonSimulator {
    /// Every package Amazon holds, in the order first confirmed.
    public func packages() async -> [AmazonSimulatedPackage] { await state.packages() }
    /// Accepted confirmShipment calls (resends included).
    public func confirmations() async -> Int { await state.confirmations() }
    /// Every refund accepted from adjustment feeds.
    public func adjustments() async -> [AmazonSimulatedAdjustment] { await state.allAdjustments() }
    /// Generates a DONE settlement report; `corruptGzip` serves bytes that claim GZIP but do not inflate.
    @discardableResult
    public func addSettlementReport(_ spec: AmazonSettlementReportSpec, corruptGzip: Bool = false) async
        -> AmazonSimulatedReport
    {
        await state.addSettlementReport(spec, corruptGzip: corruptGzip)
    }
    /// Every settlement report generated.
    public func settlementReports() async -> [AmazonSimulatedReport] { await state.settlementReports() }
}
