import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Builds the `AmazonEnvelope` of an XML feed (`POST_PAYMENT_ADJUSTMENT_DATA`,
/// `POST_ORDER_ACKNOWLEDGEMENT_DATA`) with FoundationXML's tree, never by
/// pasting strings: every id and text the ERP wrote (`<`, `&`, quotes and
/// all) is escaped by libxml2 on output, so the document is well-formed
/// whatever the data holds.
public struct AmazonEnvelope {
    /// The seller id, `Header/MerchantIdentifier`.
    public let merchantIdentifier: String
    /// e.g. `OrderAdjustment`, `OrderAcknowledgement`.
    public let messageType: String
    private var messages: [XMLElement] = []

    /// An empty envelope for one message type.
    public init(merchantIdentifier: String, messageType: String) {
        self.merchantIdentifier = merchantIdentifier
        self.messageType = messageType
    }

    /// How many messages were added.
    public var count: Int { messages.count }

    /// Adds `<Message><MessageID>id</MessageID>body</Message>`.
    public mutating func addMessage(id: Int, body: XMLElement) {
        let message = XMLElement(name: "Message")
        message.addChild(XMLElement(name: "MessageID", stringValue: String(id)))
        message.addChild(body)
        messages.append(message)
    }

    /// The UTF-8 document with its XML declaration.
    public func data() -> Data {
        let root = XMLElement(name: "AmazonEnvelope")
        root.addAttribute(Self.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        root.addAttribute(Self.attribute("xsi:noNamespaceSchemaLocation", "amzn-envelope.xsd"))
        let header = XMLElement(name: "Header")
        header.addChild(XMLElement(name: "DocumentVersion", stringValue: "1.01"))
        header.addChild(XMLElement(name: "MerchantIdentifier", stringValue: merchantIdentifier))
        root.addChild(header)
        root.addChild(XMLElement(name: "MessageType", stringValue: messageType))
        for message in messages { root.addChild(message.copy() as! XMLElement) }
        let document = XMLDocument(rootElement: root)
        document.version = "1.0"
        document.characterEncoding = "UTF-8"
        return document.xmlData(options: [])
    }

    /// An element holding text (escaped on output).
    public static func element(_ name: String, _ text: String) -> XMLElement {
        XMLElement(name: name, stringValue: text)
    }

    /// An attribute node (its value escaped on output).
    public static func attribute(_ name: String, _ value: String) -> XMLNode {
        // `attribute(withName:stringValue:)` is typed Any for Objective-C's sake; it is always an XMLNode.
        XMLNode.attribute(withName: name, stringValue: value) as! XMLNode
    }
}
