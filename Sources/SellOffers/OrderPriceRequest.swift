import Foundation

/// The inputs of one calculation. The lowercase hex SHA-256 of its
/// `canonicalJSON` (computed by PostgreSQL) names the cached row, so the same
/// inputs always land on the same row.
public struct OrderPriceRequest: Sendable, Hashable {
    public let sellOfferQuantities: [String: Int]
    public let deliverToLocationID: String
    public let deliveryMethodID: String
    public let paymentMethodID: String

    public init(
        sellOfferQuantities: [String: Int], deliverToLocationID: String, deliveryMethodID: String, paymentMethodID: String
    ) {
        self.sellOfferQuantities = sellOfferQuantities
        self.deliverToLocationID = deliverToLocationID
        self.deliveryMethodID = deliveryMethodID
        self.paymentMethodID = paymentMethodID
    }

    /// Sum of the quantities (rule 1). Quantities are validated small enough
    /// at the payload edge; `&+` keeps a hostile direct caller from trapping.
    public var orderQuantity: Int { sellOfferQuantities.values.reduce(0, &+) }

    /// Sell offer ids in canonical order: by UTF-8 bytes (= Unicode code point
    /// order), which any other language can reproduce, unlike Swift's `<`.
    public var sortedSellOfferIDs: [String] { sellOfferQuantities.keys.sorted(by: CanonicalJSON.precedes) }

    /// `{"deliverToLocationId":…,"deliveryMethodId":…,"orderQuantity":…,"paymentMethodId":…,"sellOfferQuantities":{…}}`:
    /// keys sorted, no whitespace. Written by hand so number and string
    /// formatting never depend on an encoder's options.
    public var canonicalJSON: String {
        var json = "{\"deliverToLocationId\":" + CanonicalJSON.string(deliverToLocationID)
        json += ",\"deliveryMethodId\":" + CanonicalJSON.string(deliveryMethodID)
        json += ",\"orderQuantity\":" + String(orderQuantity)
        json += ",\"paymentMethodId\":" + CanonicalJSON.string(paymentMethodID)
        json += ",\"sellOfferQuantities\":{"
        json += sortedSellOfferIDs.map { CanonicalJSON.string($0) + ":" + String(sellOfferQuantities[$0]!) }.joined(
            separator: ",")
        return json + "}}"
    }

    /// The job payload that recalculates this request (what the triggers enqueue too).
    public var payloadJSON: String {
        var json = "{\"deliverToLocationId\":" + CanonicalJSON.string(deliverToLocationID)
        json += ",\"deliveryMethodId\":" + CanonicalJSON.string(deliveryMethodID)
        json += ",\"paymentMethodId\":" + CanonicalJSON.string(paymentMethodID)
        json += ",\"sellOfferQuantities\":{"
        json += sortedSellOfferIDs.map { CanonicalJSON.string($0) + ":" + String(sellOfferQuantities[$0]!) }.joined(
            separator: ",")
        return json + "}}"
    }
}

/// The hand-written JSON pieces behind `order_price_id`.
public enum CanonicalJSON {
    /// A JSON string literal: `"` and `\` escaped, control characters as
    /// `\n`, `\t`, … or `\u00XX`; everything else (including `/` and
    /// non-ASCII) as raw UTF-8, the way JavaScript's `JSON.stringify` writes it.
    public static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Byte-wise UTF-8 order.
    public static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}
