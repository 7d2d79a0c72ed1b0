import Foundation

/// Orders v0's one operation that is not deprecated: `confirmShipment`.
extension SPAPIClient {
    /// The Orders v0 path.
    public static let ordersV0Path = "/orders/v0"

    /// `confirmShipment`: confirms (or, for a `packageReferenceId` Amazon has
    /// seen on this order, edits) one package. Amazon answers 204 with no body.
    /// A 400 is `.rejected` carrying Amazon's message (e.g. "OrderItemId is invalid").
    public func confirmShipment(orderID: String, _ request: ConfirmShipmentRequest) async throws(AmazonError) {
        let _: SPAPINoContent = try await call(
            .confirmShipment, method: "POST",
            path: "\(Self.ordersV0Path)/orders/\(Self.segment(orderID))/shipmentConfirmation", body: request)
    }
}
