import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Builds the `POST_ORDER_ACKNOWLEDGEMENT_DATA` XML document with
/// FoundationXML's `XMLDocument`: every text goes in as a text node, so a
/// merchant order id holding `<`, `&` or quotes is escaped by the library,
/// never by hand.
public enum AcknowledgementFeed {
    /// The Content-Type the document is uploaded with.
    public static let contentType = "text/xml; charset=UTF-8"
    /// The feed type.
    public static let feedType = "POST_ORDER_ACKNOWLEDGEMENT_DATA"

    /// The envelope with one `Message` per order.
    public static func build(sellerID: String, messages: [AcknowledgementMessage]) -> Data {
        let root = element("AmazonEnvelope")
        if let namespace = XMLNode.namespace(withName: "xsi", stringValue: "http://www.w3.org/2001/XMLSchema-instance")
            as? XMLNode
        {
            root.addNamespace(namespace)
        }
        if let location = XMLNode.attribute(withName: "xsi:noNamespaceSchemaLocation", stringValue: "amzn-envelope.xsd")
            as? XMLNode
        {
            root.addAttribute(location)
        }
        root.addChild(
            element("Header", children: [element("DocumentVersion", "1.01"), element("MerchantIdentifier", sellerID)]))
        root.addChild(element("MessageType", "OrderAcknowledgement"))
        for message in messages {
            var fields = [element("AmazonOrderID", message.amazonOrderID)]
            if let merchant = message.merchantOrderID { fields.append(element("MerchantOrderID", merchant)) }
            fields.append(element("StatusCode", message.cancel ? "Failure" : "Success"))
            for item in message.items {
                var parts = [element("AmazonOrderItemCode", item.orderItemID)]
                if let merchant = item.merchantOrderItemID { parts.append(element("MerchantOrderItemID", merchant)) }
                if message.cancel, let reason = item.cancelReason { parts.append(element("CancelReason", reason)) }
                fields.append(element("Item", children: parts))
            }
            root.addChild(
                element(
                    "Message",
                    children: [
                        element("MessageID", String(message.messageID)), element("OrderAcknowledgement", children: fields),
                    ]
                ))
        }
        let document = XMLDocument(rootElement: root)
        document.version = "1.0"
        document.characterEncoding = "UTF-8"
        return document.xmlData(options: [.nodePrettyPrint])
    }

    static func element(_ name: String, _ text: String? = nil, children: [XMLElement] = []) -> XMLElement {
        let node = XMLElement(name: name)
        if let text { node.stringValue = text }
        for child in children { node.addChild(child) }
        return node
    }
}
