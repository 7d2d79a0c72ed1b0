import Amazon
import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The acknowledgement XML (done-when 6): built by FoundationXML, well-formed,
/// escaped by the library, read back unchanged; and the XML processing report.
@Suite("Order acknowledgement XML")
struct AcknowledgementFeedTests {
    static let nasty = #"SO<1>&"quoted" 'single' ]]> &amp;"#

    func messages() -> [AcknowledgementMessage] {
        [
            AcknowledgementMessage(
                messageID: 1, orderRowID: 10, amazonOrderID: "902-0000001-0000001", merchantOrderID: Self.nasty, cancel: false,
                items: [.init(orderItemID: "10000000000001", merchantOrderItemID: "L<1>&\"")]),
            AcknowledgementMessage(
                messageID: 2, orderRowID: 11, amazonOrderID: "902-0000001-0000002", merchantOrderID: nil, cancel: true,
                items: [.init(orderItemID: "10000000000002", merchantOrderItemID: nil, cancelReason: "NoInventory")]),
        ]
    }

    func text(_ element: XMLElement, _ path: String) -> String? {
        var node = element
        for name in path.split(separator: "/") {
            guard let next = node.elements(forName: String(name)).first else { return nil }
            node = next
        }
        return node.stringValue
    }

    @Test("a merchant order id holding <, & and quotes is escaped and reads back unchanged; the document is well-formed")
    func escapedAndWellFormed() throws {
        let data = AcknowledgementFeed.build(sellerID: "A2<SELLER&>", messages: messages())
        let raw = String(decoding: data, as: UTF8.self)
        #expect(raw.lowercased().hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\""), "\(raw.prefix(80))")
        #expect(raw.contains("SO&lt;1&gt;&amp;"), "\(raw)")
        #expect(!raw.contains("SO<1>") && !raw.contains("A2<SELLER"))
        // An independent parser agrees it is well-formed.
        #expect(try XMLCheck.wellFormed(data))
        let document = try XMLDocument(data: data, options: [])
        let root = try #require(document.rootElement())
        #expect(root.name == "AmazonEnvelope")
        #expect(text(root, "Header/MerchantIdentifier") == "A2<SELLER&>")
        #expect(text(root, "MessageType") == "OrderAcknowledgement")
        let parsed = root.elements(forName: "Message")
        #expect(parsed.count == 2)
        #expect(text(parsed[0], "MessageID") == "1")
        #expect(text(parsed[0], "OrderAcknowledgement/MerchantOrderID") == Self.nasty)
        #expect(text(parsed[0], "OrderAcknowledgement/StatusCode") == "Success")
        #expect(text(parsed[0], "OrderAcknowledgement/Item/MerchantOrderItemID") == "L<1>&\"")
        #expect(text(parsed[0], "OrderAcknowledgement/Item/CancelReason") == nil)
        // A cancellation: Failure, a reason per item, no merchant ids.
        #expect(text(parsed[1], "OrderAcknowledgement/StatusCode") == "Failure")
        #expect(text(parsed[1], "OrderAcknowledgement/MerchantOrderID") == nil)
        #expect(text(parsed[1], "OrderAcknowledgement/Item/CancelReason") == "NoInventory")
    }

    @Test("the XML processing report: summary counts and one result per message, errors told from warnings")
    func report() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <AmazonEnvelope><Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>A2</MerchantIdentifier></Header>
            <MessageType>ProcessingReport</MessageType><Message><MessageID>1</MessageID><ProcessingReport>
            <DocumentTransactionID>50001</DocumentTransactionID><StatusCode>Complete</StatusCode>
            <ProcessingSummary><MessagesProcessed>3</MessagesProcessed><MessagesSuccessful>2</MessagesSuccessful>
            <MessagesWithError>1</MessagesWithError><MessagesWithWarning>1</MessagesWithWarning></ProcessingSummary>
            <Result><MessageID>2</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>18028</ResultMessageCode>
            <ResultDescription>The AmazonOrderID &lt;x&gt; does not match</ResultDescription></Result>
            <Result><MessageID>3</MessageID><ResultCode>Warning</ResultCode><ResultDescription>late</ResultDescription></Result>
            </ProcessingReport></Message></AmazonEnvelope>
            """
        let report = try XMLProcessingReport.parse(Data(xml.utf8))
        #expect(report.processed == 3 && report.successful == 2 && report.withError == 1 && report.withWarning == 1)
        #expect(report.statusCode == "Complete")
        #expect(report.results.count == 2)
        #expect(report.results[0].messageID == 2 && report.results[0].resultCode == "Error")
        #expect(
            report.results[0].messageCode == "18028" && report.results[0].description == "The AmazonOrderID <x> does not match")
        #expect(report.results[1].resultCode == "Warning")
        #expect(throws: XMLProcessingReport.ParseError.self) { try XMLProcessingReport.parse(Data("<nope".utf8)) }
        #expect(throws: XMLProcessingReport.ParseError.self) {
            try XMLProcessingReport.parse(Data("<AmazonEnvelope><Message/></AmazonEnvelope>".utf8))
        }
    }

    @Test("searchOrders parameters: one time family, the token on later pages, + escaped in the URL query")
    func searchQuery() {
        let after = Date(timeIntervalSince1970: 1_780_000_000)
        var search = OrderSearch(
            basis: .lastUpdated, after: after, before: after.addingTimeInterval(60), marketplaceIDs: ["A", "B"], pageSize: 50)
        var names = search.queryItems.map(\.name)
        #expect(names.contains("lastUpdatedAfter") && names.contains("lastUpdatedBefore"))
        #expect(!names.contains("createdAfter") && !names.contains("paginationToken"))
        #expect(search.queryItems.first { $0.name == "marketplaceIds" }?.value == "A,B")
        #expect(search.queryItems.first { $0.name == "lastUpdatedAfter" }?.value == "2026-05-28T20:26:40.000Z")
        search.basis = .created
        search.paginationToken = "t+1/2="
        names = search.queryItems.map(\.name)
        #expect(names.contains("createdAfter") && names.contains("createdBefore") && !names.contains("lastUpdatedAfter"))
        #expect(search.queryItems.last?.value == "t+1/2=")
    }

    @Test("a searchOrders page must give every order an id, lastUpdatedTime, status and items")
    func pageChecks() throws {
        let good =
            #"{"orders": [{"orderId": "1", "lastUpdatedTime": "2026-01-01T00:00:00Z", "fulfillment": {"fulfillmentStatus": "PENDING"}, "orderItems": [], "proceeds": {"grandTotal": {"amount": "95.10", "currencyCode": "EUR"}}}], "pagination": {"nextToken": "abc"}}"#
        let page = try JSONDecoder().decode(OrdersPage.self, from: Data(good.utf8))
        #expect(page.nextToken == "abc" && page.orders.count == 1)
        // The amount survives the round trip to SQL as its digits.
        #expect(String(decoding: try page.ordersJSON(), as: UTF8.self).contains("\"95.10\""))
        let last = try JSONDecoder().decode(OrdersPage.self, from: Data(#"{"orders": []}"#.utf8))
        #expect(last.nextToken == nil)
        for broken in [
            #"{"orders": [{"lastUpdatedTime": "x", "fulfillment": {"fulfillmentStatus": "PENDING"}, "orderItems": []}]}"#,
            #"{"orders": [{"orderId": "1", "fulfillment": {"fulfillmentStatus": "PENDING"}, "orderItems": []}]}"#,
            #"{"orders": [{"orderId": "1", "lastUpdatedTime": "x", "orderItems": []}]}"#,
            #"{"orders": [{"orderId": "1", "lastUpdatedTime": "x", "fulfillment": {"fulfillmentStatus": "PENDING"}}]}"#,
        ] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(OrdersPage.self, from: Data(broken.utf8)) }
        }
    }
}
