import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `POST_ORDER_ACKNOWLEDGEMENT_DATA` as Amazon processes it, in miniature:
/// a document that is not well-formed XML, or whose envelope is not an
/// OrderAcknowledgement envelope of this seller, is FATAL; otherwise each
/// message is checked and applied on its own, and the answer is an XML
/// `ProcessingReport` with one `Result` per message that has an error.
extension AmazonOrderBook {
    /// What processing a document produced.
    struct XMLFeedOutcome {
        var fatal: Bool
        var report: Data
        var processed: Int
        var successful: Int
        var withError: Int
    }

    static let cancelReasons: Set<String> = [
        "NoInventory", "ShippingAddressUndeliverable", "CustomerExchange", "BuyerCanceled", "GeneralAdjustment",
        "CarrierCreditDecision", "RiskAssessmentInformationNotValid", "CarrierCoverageFailure", "CustomerReturn",
        "MerchandiseNotReceived",
    ]

    mutating func processAcknowledgements(document: Data, feedID: String, sellerID: String, now: Date) -> XMLFeedOutcome {
        func fatal(_ message: String) -> XMLFeedOutcome {
            let report = Self.report(
                sellerID: sellerID, feedID: feedID, processed: 0, successful: 0,
                results: [(0, "Error", "5001", message, nil)])
            return XMLFeedOutcome(fatal: true, report: report, processed: 0, successful: 0, withError: 0)
        }
        let xml: XMLDocument
        do { xml = try XMLDocument(data: document, options: []) } catch {
            return fatal("XML Parsing Error: the document is not well-formed.")
        }
        guard let root = xml.rootElement(), root.name == "AmazonEnvelope" else {
            return fatal("The root element must be AmazonEnvelope.")
        }
        guard let merchant = Self.text(root, "Header/MerchantIdentifier"), merchant == sellerID else {
            return fatal("Header/MerchantIdentifier is not the seller that submitted the feed.")
        }
        guard Self.text(root, "MessageType") == "OrderAcknowledgement" else {
            return fatal("MessageType must be OrderAcknowledgement for POST_ORDER_ACKNOWLEDGEMENT_DATA.")
        }
        let messages = root.elements(forName: "Message")
        guard !messages.isEmpty else { return fatal("The envelope holds no Message.") }
        var results: [(Int, String, String, String, String?)] = []
        var seen = Set<Int>()
        for message in messages {
            guard let id = Self.text(message, "MessageID").flatMap(Int.init), id >= 1, seen.insert(id).inserted else {
                results.append((0, "Error", "5000", "A Message has a missing, invalid or repeated MessageID.", nil))
                continue
            }
            if let problem = apply(message, feedID: feedID, now: now) {
                results.append((id, "Error", problem.code, problem.text, problem.orderID))
            }
        }
        let failed = Set(results.map(\.0)).count
        let report = Self.report(
            sellerID: sellerID, feedID: feedID, processed: messages.count, successful: messages.count - failed,
            results: results)
        return XMLFeedOutcome(
            fatal: false, report: report, processed: messages.count, successful: messages.count - failed, withError: failed)
    }

    /// Applies one message; returns its error, if any.
    private mutating func apply(_ message: XMLElement, feedID: String, now: Date) -> (
        code: String, text: String, orderID: String?
    )? {
        guard let ack = message.elements(forName: "OrderAcknowledgement").first else {
            return ("5000", "The Message holds no OrderAcknowledgement.", nil)
        }
        guard let orderID = Self.text(ack, "AmazonOrderID"), var current = orders[orderID] else {
            return ("18028", "The AmazonOrderID does not match an order of this seller.", Self.text(ack, "AmazonOrderID"))
        }
        let status = Self.text(ack, "StatusCode")
        guard status == "Success" || status == "Failure" else {
            return ("5000", "StatusCode must be Success or Failure.", orderID)
        }
        let merchantOrderID = Self.text(ack, "MerchantOrderID")
        if let merchantOrderID, merchantOrderID.count > 64 {
            return ("5000", "MerchantOrderID is longer than 64 characters.", orderID)
        }
        if current.status == "PENDING" {
            return ("18029", "The order is still pending; it cannot be acknowledged yet.", orderID)
        }
        var itemIDs: [String: String] = [:]
        var reasons: [String: String] = [:]
        for item in ack.elements(forName: "Item") {
            guard let code = Self.text(item, "AmazonOrderItemCode"), current.items.contains(where: { $0.orderItemID == code })
            else {
                return ("18030", "An AmazonOrderItemCode does not belong to the order.", orderID)
            }
            if let merchantItem = Self.text(item, "MerchantOrderItemID") { itemIDs[code] = merchantItem }
            if let reason = Self.text(item, "CancelReason") {
                guard Self.cancelReasons.contains(reason) else {
                    return ("5000", "CancelReason '\(reason)' is not a valid value.", orderID)
                }
                reasons[code] = reason
            }
        }
        if status == "Failure" {
            if current.status == "SHIPPED" || current.status == "PARTIALLY_SHIPPED"
                || current.items.contains(where: { $0.quantityFulfilled > 0 })
            {
                // What Amazon would do is refund everything; the simulator refuses, so a test sees it.
                return ("18031", "The order has shipments; a Failure acknowledgement would refund the whole order.", orderID)
            }
            current.status = "CANCELLED"
            current.lastUpdatedTime = now
        }
        current.acknowledgements.append(
            .init(
                feedID: feedID, statusCode: status!, merchantOrderID: merchantOrderID, merchantItemIDs: itemIDs,
                cancelReasons: reasons))
        update(current)
        return nil
    }

    static func text(_ element: XMLElement, _ path: String) -> String? {
        var node = element
        for name in path.split(separator: "/") {
            guard let next = node.elements(forName: String(name)).first else { return nil }
            node = next
        }
        return node.stringValue
    }

    /// The XML processing report: a summary and one Result per error.
    static func report(
        sellerID: String, feedID: String, processed: Int, successful: Int,
        results: [(Int, String, String, String, String?)]
    ) -> Data {
        func element(_ name: String, _ text: String? = nil, _ children: [XMLElement] = []) -> XMLElement {
            let node = XMLElement(name: name)
            if let text { node.stringValue = text }
            for child in children { node.addChild(child) }
            return node
        }
        let summary = element(
            "ProcessingSummary", nil,
            [
                element("MessagesProcessed", String(processed)), element("MessagesSuccessful", String(successful)),
                element("MessagesWithError", String(Set(results.map(\.0)).count)), element("MessagesWithWarning", "0"),
            ])
        var body = [element("DocumentTransactionID", feedID), element("StatusCode", "Complete"), summary]
        for (messageID, code, messageCode, description, orderID) in results {
            var children = [
                element("MessageID", String(messageID)), element("ResultCode", code),
                element("ResultMessageCode", messageCode), element("ResultDescription", description),
            ]
            if let orderID { children.append(element("AdditionalInfo", nil, [element("AmazonOrderID", orderID)])) }
            body.append(element("Result", nil, children))
        }
        let root = element(
            "AmazonEnvelope", nil,
            [
                element(
                    "Header", nil, [element("DocumentVersion", "1.02"), element("MerchantIdentifier", sellerID)]),
                element("MessageType", "ProcessingReport"),
                element("Message", nil, [element("MessageID", "1"), element("ProcessingReport", nil, body)]),
            ])
        let document = XMLDocument(rootElement: root)
        document.version = "1.0"
        document.characterEncoding = "UTF-8"
        return document.xmlData(options: [.nodePrettyPrint])
    }
}
