import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Processes a POST_PAYMENT_ADJUSTMENT_DATA document as Amazon would, in
/// miniature: the envelope must be well-formed XML for this seller with
/// MessageType OrderAdjustment; each message's order and items must exist,
/// its reason and component types must be Amazon's, and its net must be a
/// credit. The report is Amazon's XML `ProcessingReport`, built with FoundationXML.
struct AmazonAdjustmentProcessor {
    static let feedType = "POST_PAYMENT_ADJUSTMENT_DATA"
    static let reasons: Set<String> = [
        "NoInventory", "CustomerReturn", "GeneralAdjustment", "CouldNotShip", "DifferentItem", "Abandoned", "CustomerCancel",
        "PriceError", "ProductOutofStock", "CustomerAddressIncorrect", "Exchange", "Other", "CarrierCreditDecision",
        "RiskAssessmentInformationNotValid", "CarrierCoverageFailure", "TransactionRecord", "Undeliverable", "RefusedDelivery",
    ]
    static let componentTypes: Set<String> = [
        "Principal", "Shipping", "Tax", "ShippingTax", "RestockingFee", "RestockingFeeTax", "GiftWrap", "GiftWrapTax",
        "Surcharge", "ReturnShipping", "Goodwill", "ExportCharge", "COD", "CODTax", "Other", "FreeReplacementReturnShipping",
    ]

    struct Outcome {
        var report: Data
        var summary: AmazonProcessingReport.Summary
        var accepted: [AmazonSimulatedAdjustment]
    }

    let sellerID: String
    let orders: [String: AmazonSimOrder]
    /// MerchantAdjustmentItemIDs Amazon has seen: a second refund with one of them is refused.
    var seenAdjustmentItemIDs: Set<String>

    mutating func process(_ bytes: Data, feedID: String) -> Outcome {
        var results: [(id: Int, code: String, text: String)] = []
        var accepted: [AmazonSimulatedAdjustment] = []
        var processed = 0
        func finish() -> Outcome {
            let failed = Set(results.map(\.id)).count
            var summary = AmazonProcessingReport.Summary()
            summary.messagesProcessed = processed
            summary.messagesInvalid = failed
            summary.messagesAccepted = processed - failed
            summary.errors = results.count
            return Outcome(
                report: Self.report(sellerID: sellerID, processed: processed, results: results), summary: summary,
                accepted: accepted)
        }
        guard let document = try? XMLDocument(data: bytes, options: []), let root = document.rootElement(),
            root.name == "AmazonEnvelope"
        else {
            results.append((0, "5000", "XML Parsing Fatal Error: the document is not a well-formed AmazonEnvelope."))
            return finish()
        }
        let merchant = Self.text(root, "Header", "MerchantIdentifier")
        guard merchant == sellerID else {
            results.append(
                (0, "5001", "MerchantIdentifier '\((merchant ?? "").prefix(40))' is not the seller that submitted the feed."))
            return finish()
        }
        guard Self.text(root, "MessageType") == "OrderAdjustment" else {
            results.append((0, "5001", "MessageType must be OrderAdjustment for POST_PAYMENT_ADJUSTMENT_DATA."))
            return finish()
        }
        for message in root.elements(forName: "Message") {
            processed += 1
            guard let idText = Self.text(message, "MessageID"), let id = Int(idText), id >= 1 else {
                results.append((0, "5002", "A Message has no positive MessageID."))
                continue
            }
            switch check(message, id: id, feedID: feedID) {
            case .failure(let refusal): results.append((id, "18028", refusal.text))
            case .success(let adjustment):
                accepted.append(adjustment)
                seenAdjustmentItemIDs.formUnion(adjustment.merchantAdjustmentItemIDs)
            }
        }
        return finish()
    }

    struct Refusal: Error { let text: String }

    private func check(_ message: XMLElement, id: Int, feedID: String) -> Swift.Result<AmazonSimulatedAdjustment, Refusal> {
        guard let adjustment = message.elements(forName: "OrderAdjustment").first else {
            return .failure(Refusal(text: "The message holds no OrderAdjustment."))
        }
        guard let orderID = Self.text(adjustment, "AmazonOrderID"), let order = orders[orderID] else {
            return .failure(Refusal(text: "The AmazonOrderID was not found for this merchant."))
        }
        let action = Self.text(adjustment, "ActionType") ?? ""
        guard action == "Refund" || action == "Cancel" else {
            return .failure(Refusal(text: "ActionType must be Refund or Cancel."))
        }
        let items = adjustment.elements(forName: "AdjustedItem")
        guard !items.isEmpty else { return .failure(Refusal(text: "The adjustment has no AdjustedItem.")) }
        var net = Decimal(0)
        var currency = ""
        var merchantIDs: [String] = []
        for item in items {
            guard let code = Self.text(item, "AmazonOrderItemCode"), order.items.contains(where: { $0.orderItemID == code })
            else {
                return .failure(Refusal(text: "The AmazonOrderItemCode is not an item of order \(orderID)."))
            }
            if let merchantID = Self.text(item, "MerchantAdjustmentItemID") {
                guard !seenAdjustmentItemIDs.contains(merchantID) && !merchantIDs.contains(merchantID) else {
                    return .failure(
                        Refusal(text: "The MerchantAdjustmentItemID \(merchantID) was already used by an adjustment."))
                }
                merchantIDs.append(merchantID)
            }
            guard Self.reasons.contains(Self.text(item, "AdjustmentReason") ?? "") else {
                return .failure(Refusal(text: "The AdjustmentReason is not a valid value."))
            }
            for component in item.elements(forName: "ItemPriceAdjustments").flatMap({ $0.elements(forName: "Component") }) {
                guard Self.componentTypes.contains(Self.text(component, "Type") ?? "") else {
                    return .failure(Refusal(text: "A Component Type is not a valid value."))
                }
                guard let amountElement = component.elements(forName: "Amount").first,
                    let text = amountElement.stringValue,
                    let amount = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
                    text.range(of: #"^-?[0-9]+(\.[0-9]{1,2})?$"#, options: .regularExpression) != nil,
                    let unit = amountElement.attribute(forName: "currency")?.stringValue, unit.count == 3
                else { return .failure(Refusal(text: "An Amount is not a decimal with a currency attribute.")) }
                currency = unit
                net += amount
            }
        }
        guard net > 0 else { return .failure(Refusal(text: "The adjustment total must be a credit to the buyer.")) }
        return .success(
            AmazonSimulatedAdjustment(
                feedID: feedID, messageID: id, orderID: orderID, actionType: action, merchantAdjustmentItemIDs: merchantIDs,
                net: net, currency: currency))
    }

    static func text(_ element: XMLElement, _ path: String...) -> String? {
        var current = element
        for name in path {
            guard let next = current.elements(forName: name).first else { return nil }
            current = next
        }
        return current.stringValue
    }

    static func report(sellerID: String, processed: Int, results: [(id: Int, code: String, text: String)]) -> Data {
        func element(_ name: String, _ text: String) -> XMLElement { XMLElement(name: name, stringValue: text) }
        let root = XMLElement(name: "AmazonEnvelope")
        let header = XMLElement(name: "Header")
        header.addChild(element("DocumentVersion", "1.02"))
        header.addChild(element("MerchantIdentifier", sellerID))
        root.addChild(header)
        root.addChild(element("MessageType", "ProcessingReport"))
        let message = XMLElement(name: "Message")
        message.addChild(element("MessageID", "1"))
        let report = XMLElement(name: "ProcessingReport")
        report.addChild(element("DocumentTransactionID", String(Int.random(in: 10_000_000...99_999_999))))
        report.addChild(element("StatusCode", "Complete"))
        let summary = XMLElement(name: "ProcessingSummary")
        let failed = Set(results.filter { $0.id > 0 }.map(\.id)).count
        summary.addChild(element("MessagesProcessed", String(processed)))
        summary.addChild(element("MessagesSuccessful", String(processed - failed)))
        summary.addChild(element("MessagesWithError", String(failed)))
        summary.addChild(element("MessagesWithWarning", "0"))
        report.addChild(summary)
        for result in results {
            let node = XMLElement(name: "Result")
            node.addChild(element("MessageID", String(result.id)))
            node.addChild(element("ResultCode", "Error"))
            node.addChild(element("ResultMessageCode", result.code))
            node.addChild(element("ResultDescription", result.text))
            report.addChild(node)
        }
        message.addChild(report)
        root.addChild(message)
        let document = XMLDocument(rootElement: root)
        document.version = "1.0"
        document.characterEncoding = "UTF-8"
        return document.xmlData(options: [])
    }
}
