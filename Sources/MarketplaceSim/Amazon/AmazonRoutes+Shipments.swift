import FlyingFox
import Foundation

/// `POST /orders/v0/orders/{orderId}/shipmentConfirmation`: 204 with no body,
/// or Amazon's error list. With a slow-response fault the package is recorded
/// and the answer held back, as when Amazon is slow and the client times out.
extension AmazonRoutes {
    func shipments(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let parts = request.path.dropFirst(Self.ordersV0.count).split(separator: "/").map(String.init)
        guard request.method == .POST, parts.count == 3, parts[0] == "orders", parts[2] == "shipmentConfirmation" else {
            return Self.errors(
                .notFound, code: "NotFound", message: "Resource not found: \(request.method.rawValue) \(request.path)")
        }
        if let refusal = try await gate(operation: "confirmShipment", request: request) { return refusal }
        let orderID = parts[1].removingPercentEncoding ?? parts[1]
        let body = (try? JSONSerialization.jsonObject(with: try await request.bodyData)) as? [String: Any]
        switch await state.confirmShipment(orderID: orderID, body: body) {
        case .confirmed:
            let slow = await state.takeSlowResponse(operation: "confirmShipment")
            if slow > 0 { try await Task.sleep(for: .milliseconds(slow)) }
            return FlyingFox.HTTPResponse(statusCode: .noContent)
        case .invalid(let code, let message):
            return Self.errors(.badRequest, code: code, message: message)
        case .notFound(let message):
            return Self.errors(.notFound, code: "NotFound", message: message)
        }
    }
}
