import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Builds a `POST_PAYMENT_ADJUSTMENT_DATA` document: one `OrderAdjustment`
/// message per refund, one `AdjustedItem` per line, amounts written from
/// their digits with the currency's minor unit. The tree is FoundationXML's,
/// so ids holding `<`, `&` or quotes come out escaped.
public enum AdjustmentFeedBuilder {
    /// The feed type.
    public static let feedType = "POST_PAYMENT_ADJUSTMENT_DATA"
    /// The Content-Type of the document (the design marks it unverified; Amazon's XML feeds take text/xml).
    public static let contentType = "text/xml; charset=UTF-8"

    /// The document for `refunds`, message ids 1… in order.
    public static func build(sellerID: String, refunds: [RefundRequest]) throws(RefundRequest.Invalid) -> Data {
        var envelope = AmazonEnvelope(merchantIdentifier: sellerID, messageType: "OrderAdjustment")
        for (index, refund) in refunds.enumerated() {
            envelope.addMessage(id: index + 1, body: try adjustment(refund))
        }
        return envelope.data()
    }

    static func adjustment(_ refund: RefundRequest) throws(RefundRequest.Invalid) -> XMLElement {
        let adjustment = XMLElement(name: "OrderAdjustment")
        adjustment.addChild(AmazonEnvelope.element("AmazonOrderID", refund.amazonOrderID))
        adjustment.addChild(AmazonEnvelope.element("ActionType", refund.actionType))
        for item in refund.items {
            let adjusted = XMLElement(name: "AdjustedItem")
            adjusted.addChild(AmazonEnvelope.element("AmazonOrderItemCode", item.orderItemID))
            if let id = item.merchantAdjustmentItemID {
                adjusted.addChild(AmazonEnvelope.element("MerchantAdjustmentItemID", id))
            }
            adjusted.addChild(AmazonEnvelope.element("AdjustmentReason", refund.reason))
            let prices = XMLElement(name: "ItemPriceAdjustments")
            for component in item.components {
                let element = XMLElement(name: "Component")
                element.addChild(AmazonEnvelope.element("Type", component.type))
                let text: String
                do { text = try AmazonMoneyText.format(component.amount, currency: refund.currency) } catch {
                    throw RefundRequest.Invalid(description: "refund \(refund.erpRefundID): \(error.description)")
                }
                let amount = AmazonEnvelope.element("Amount", text)
                amount.addAttribute(AmazonEnvelope.attribute("currency", refund.currency))
                element.addChild(amount)
                prices.addChild(element)
            }
            adjusted.addChild(prices)
            if let quantity = item.quantity { adjusted.addChild(AmazonEnvelope.element("Quantity", String(quantity))) }
            adjustment.addChild(adjusted)
        }
        return adjustment
    }
}
