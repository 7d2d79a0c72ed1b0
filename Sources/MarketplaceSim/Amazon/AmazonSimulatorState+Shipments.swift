import Foundation

/// confirmShipment (Orders v0) as Amazon answers it: the documented 400s,
/// and one package per `packageReferenceId` within an order (a resend edits it).
extension AmazonSimulatorState {
    /// What a confirmShipment call gets.
    enum ConfirmOutcome: Equatable {
        case confirmed(edited: Bool)
        case invalid(code: String, message: String)
        case notFound(String)
    }

    func packages() -> [AmazonSimulatedPackage] { sales.packageOrder.compactMap { sales.packages[$0] } }

    func confirmations() -> Int { sales.confirmations }

    /// Checks the body as the model and the known 400s say, then records the package.
    func confirmShipment(orderID: String, body: [String: Any]?) -> ConfirmOutcome {
        guard let body else { return .invalid(code: "InvalidInput", message: "The request body is not a JSON object.") }
        guard let marketplaceID = body["marketplaceId"] as? String, !marketplaceID.isEmpty else {
            return .invalid(code: "InvalidInput", message: "Missing required field: marketplaceId.")
        }
        guard let detail = body["packageDetail"] as? [String: Any] else {
            return .invalid(code: "InvalidInput", message: "Missing required field: packageDetail.")
        }
        for field in ["packageReferenceId", "carrierCode", "trackingNumber", "shipDate", "orderItems"] where detail[field] == nil
        {
            return .invalid(code: "InvalidInput", message: "Missing required field: packageDetail.\(field).")
        }
        guard let reference = detail["packageReferenceId"] as? String, let number = Int(reference), number > 0,
            reference.allSatisfy(\.isNumber)
        else {
            return .invalid(code: "InvalidInput", message: "PackageReferenceId must be a positive numeric value.")
        }
        guard let shipDate = detail["shipDate"] as? String, (try? Date(shipDate, strategy: .iso8601)) != nil else {
            return .invalid(code: "Invalid Input", message: "Invalid Input")
        }
        let carrierCode = detail["carrierCode"] as? String ?? ""
        let carrierName = detail["carrierName"] as? String
        if carrierCode == "Other" && (carrierName ?? "").isEmpty {
            return .invalid(code: "InvalidInput", message: "CarrierName is required when CarrierCode is Other.")
        }
        guard var order = orderBook.orders[orderID] else { return .notFound("Order \(orderID) was not found.") }
        guard order.marketplaceID == marketplaceID else {
            return .invalid(code: "InvalidInput", message: "Invalid marketplaceId \(marketplaceID) for this order.")
        }
        guard let rawItems = detail["orderItems"] as? [[String: Any]], !rawItems.isEmpty else {
            return .invalid(code: "InvalidInput", message: "orderItems must hold at least one item.")
        }
        var items: [String: Int] = [:]
        for item in rawItems {
            guard let itemID = item["orderItemId"] as? String,
                let line = order.items.first(where: { $0.orderItemID == itemID })
            else {
                return .invalid(code: "InvalidInput", message: "OrderItemId is invalid")
            }
            guard let quantity = item["quantity"] as? Int, quantity >= 1, quantity <= line.quantityOrdered else {
                return .invalid(code: "InvalidInput", message: "Quantity is invalid for OrderItemId \(itemID).")
            }
            items[itemID, default: 0] += quantity
        }
        let key = "\(orderID)#\(reference)"
        let edited = sales.packages[key] != nil
        var package = AmazonSimulatedPackage(
            orderID: orderID, packageReferenceID: reference, carrierCode: carrierCode, carrierName: carrierName,
            shippingMethod: detail["shippingMethod"] as? String, trackingNumber: detail["trackingNumber"] as? String ?? "",
            shipDate: shipDate, items: items, edits: 0)
        if let old = sales.packages[key] { package.edits = old.edits + 1 } else { sales.packageOrder.append(key) }
        sales.packages[key] = package
        sales.confirmations += 1
        // The order ships as its packages say: units per item over every package, capped at what was ordered.
        var shipped: [String: Int] = [:]
        for other in sales.packages.values where other.orderID == orderID {
            for (itemID, quantity) in other.items { shipped[itemID, default: 0] += quantity }
        }
        for index in order.items.indices {
            order.items[index].quantityFulfilled = min(
                order.items[index].quantityOrdered, shipped[order.items[index].orderItemID] ?? 0)
        }
        if order.status == "UNSHIPPED" || order.status == "PARTIALLY_SHIPPED" {
            order.status = order.items.allSatisfy { $0.quantityFulfilled >= $0.quantityOrdered } ? "SHIPPED" : "PARTIALLY_SHIPPED"
        }
        order.lastUpdatedTime = Date()
        orderBook.update(order)
        return .confirmed(edited: edited)
    }
}
