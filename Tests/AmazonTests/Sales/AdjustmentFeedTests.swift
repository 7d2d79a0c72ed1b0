import Amazon
import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Issue 11, Done-when 4 and 6 without a server: the refund checks and the
/// POST_PAYMENT_ADJUSTMENT_DATA document, well-formed (checked by python3's
/// expat) and escaped for ids holding `<`, `&` and quotes.
struct AdjustmentFeedTests {
    static let tricky = #"SO<12>&"Q's""#

    func parse(_ lines: String, currency: String? = "USD", order: String = "111-0000001-0000001") throws(RefundRequest.Invalid)
        -> RefundRequest
    {
        try RefundRequest.parse(
            adjustmentID: 7, erpRefundID: "RF-7", amazonOrderID: order, actionType: "Refund", reason: "CustomerReturn",
            currency: currency, linesJSON: lines)
    }

    @Test func theDocumentIsWellFormedAndEscapesEveryId() throws {
        let refund = try parse(
            #"[{"order_item_id": "12345678901234", "merchant_adjustment_item_id": "\#(Self.tricky.replacingOccurrences(of: "\"", with: "\\\""))", "quantity": 2, "components": [{"type": "Principal", "amount": "20.00"}, {"type": "Tax", "amount": 1.6}]}]"#,
            order: #"111-<&">-1"#)
        let data = try AdjustmentFeedBuilder.build(sellerID: #"A2"&<SELLER"#, refunds: [refund])
        #expect(try XMLCheck.wellFormed(data))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("&lt;") && text.contains("&amp;"), "\(text)")
        #expect(!text.contains("SO<12>"), "no raw '<' from the data")
        let document = try XMLDocument(data: data, options: [])
        let root = try #require(document.rootElement())
        func value(_ path: String) -> [String] { (try? root.nodes(forXPath: path))?.compactMap(\.stringValue) ?? [] }
        #expect(value("/AmazonEnvelope/Header/MerchantIdentifier") == [#"A2"&<SELLER"#])
        #expect(value("/AmazonEnvelope/MessageType") == ["OrderAdjustment"])
        #expect(value("/AmazonEnvelope/Message/MessageID") == ["1"])
        #expect(value("//OrderAdjustment/AmazonOrderID") == [#"111-<&">-1"#])
        #expect(value("//AdjustedItem/MerchantAdjustmentItemID") == [Self.tricky])
        #expect(value("//AdjustedItem/AdjustmentReason") == ["CustomerReturn"])
        #expect(value("//Component/Type") == ["Principal", "Tax"])
        #expect(value("//Component/Amount") == ["20.00", "1.60"], "amounts written from their digits with cents")
        #expect(value("//Component/Amount/@currency") == ["USD", "USD"])
        #expect(value("//AdjustedItem/Quantity") == ["2"])
    }

    @Test func aNetChargeIsRefusedNamingTheFigures() throws {
        do {
            _ = try parse(
                #"[{"order_item_id": "1", "components": [{"type": "Principal", "amount": "5.00"}, {"type": "RestockingFee", "amount": "-7.50"}]}]"#
            )
            Issue.record("a net charge was accepted")
        } catch {
            #expect(
                error.description.contains("a charge of 2.5 USD") || error.description.contains("a charge of 2.50 USD"),
                "\(error)")
            #expect(error.description.contains("refunded 5") && error.description.contains("charged 7.5"), "\(error)")
            #expect(error.description.contains("RF-7") && error.description.contains("not sent"))
        }
    }

    @Test func badLinesAreRefusedNamingTheField() throws {
        let cases: [(String, String)] = [
            (#"[]"#, "non-empty array"),
            (#"[{"components": [{"type": "Principal", "amount": "1"}]}]"#, "lines[0].order_item_id"),
            (#"[{"order_item_id": "1", "components": [{"type": "Cash", "amount": "1"}]}]"#, "'Cash' is not a Component Type"),
            (
                #"[{"order_item_id": "1", "components": [{"type": "Principal", "amount": "1.005"}]}]"#,
                "more than 2 decimal places"
            ),
            (#"[{"order_item_id": "1", "quantity": 1.5, "components": [{"type": "Principal", "amount": "1"}]}]"#, "quantity"),
            (#"[{"order_item_id": "1", "components": [{"type": "Principal", "amount": "ten"}]}]"#, "amount is not a decimal"),
        ]
        for (lines, expected) in cases {
            do {
                _ = try parse(lines)
                Issue.record("accepted \(lines)")
            } catch {
                #expect(error.description.contains(expected), "\(lines): \(error)")
            }
        }
        #expect(throws: RefundRequest.Invalid.self) {
            try parse(#"[{"order_item_id": "1", "components": [{"type": "Principal", "amount": "1"}]}]"#, currency: nil)
        }
    }

    @Test func amountsKeepEveryDigit() throws {
        let refund = try parse(
            #"[{"order_item_id": "1", "components": [{"type": "Principal", "amount": 0.1}, {"type": "Shipping", "amount": "0.2"}, {"type": "Tax", "amount": 1234567890123.45}]}]"#
        )
        #expect(refund.net == Decimal(string: "1234567890123.75"))
        #expect(try AmazonMoneyText.format(refund.net, currency: "USD") == "1234567890123.75")
        #expect(try AmazonMoneyText.format(Decimal(2000), currency: "JPY") == "2000")
    }
}
