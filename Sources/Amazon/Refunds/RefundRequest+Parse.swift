import ExactJSON
import Foundation

extension RefundRequest {
    /// Why a refund row is not sent. Each message names the refund and the
    /// line, so the ERP knows what to correct.
    public struct Invalid: Error, Sendable, CustomStringConvertible, Equatable {
        /// The whole sentence.
        public let description: String
        /// The net, when the lines were readable (a net charge is refused with it).
        public var net: Decimal?
    }

    /// Reads the row's `lines` jsonb text (numbers kept as their digits) and
    /// checks it: every line has an order item id, a positive whole quantity
    /// if any, known component types, amounts with at most the currency's
    /// minor unit, and the net is a credit (> 0).
    public static func parse(
        adjustmentID: Int64, erpRefundID: String, amazonOrderID: String, actionType: String, reason: String,
        currency: String?, linesJSON: String
    ) throws(Invalid) -> RefundRequest {
        let label = "refund \(erpRefundID) of order \(amazonOrderID)"
        func invalid(_ why: String) -> Invalid { Invalid(description: "\(label): \(why); it was not sent") }
        guard let currency, !currency.isEmpty else { throw invalid("no currency (set amazon_adjustment.currency)") }
        guard actionType == "Refund" || actionType == "Cancel" else { throw invalid("action_type must be Refund or Cancel") }
        guard reasons.contains(reason) else { throw invalid("'\(reason.prefix(40))' is not an AdjustmentReason") }
        let parsed: JSONValue
        do { parsed = try JSONParser.parse(linesJSON) } catch { throw invalid("lines is not JSON") }
        guard case .array(let lines) = parsed, !lines.isEmpty else { throw invalid("lines must be a non-empty array") }
        var items: [Item] = []
        for (index, line) in lines.enumerated() {
            let at = "lines[\(index)]"
            guard case .object(let fields) = line else { throw invalid("\(at) is not an object") }
            guard let itemID = fields["order_item_id"]?.stringValue, !itemID.isEmpty else {
                throw invalid("\(at).order_item_id is missing")
            }
            var quantity: Int?
            if let value = fields["quantity"], value != .null {
                guard let number = value.numericValue, number == number.rounded(0), number >= 1, number <= 100_000 else {
                    throw invalid("\(at).quantity must be a whole number of at least 1")
                }
                quantity = NSDecimalNumber(decimal: number).intValue
            }
            guard case .array(let rawComponents)? = fields["components"], !rawComponents.isEmpty else {
                throw invalid("\(at).components must be a non-empty array")
            }
            var components: [Component] = []
            for (position, raw) in rawComponents.enumerated() {
                let where_ = "\(at).components[\(position)]"
                guard case .object(let component) = raw, let type = component["type"]?.stringValue else {
                    throw invalid("\(where_).type is missing")
                }
                guard componentTypes.contains(type) else {
                    throw invalid("\(where_).type '\(type.prefix(40))' is not a Component Type")
                }
                guard let amount = component["amount"]?.numericValue else { throw invalid("\(where_).amount is not a decimal") }
                do { _ = try AmazonMoneyText.format(amount, currency: currency) } catch {
                    throw invalid("\(where_).amount: \(error.description)")
                }
                components.append(Component(type: type, amount: amount))
            }
            items.append(
                Item(
                    orderItemID: itemID, merchantAdjustmentItemID: fields["merchant_adjustment_item_id"]?.stringValue,
                    quantity: quantity, components: components))
        }
        let request = RefundRequest(
            adjustmentID: adjustmentID, erpRefundID: erpRefundID, amazonOrderID: amazonOrderID, actionType: actionType,
            reason: reason, currency: currency, items: items)
        let net = request.net
        guard net > 0 else {
            let refunded = items.flatMap(\.components).filter { $0.amount > 0 }.reduce(Decimal(0)) { $0 + $1.amount }
            let charged = -items.flatMap(\.components).filter { $0.amount < 0 }.reduce(Decimal(0)) { $0 + $1.amount }
            var refusal = invalid(
                "its net is \(net == 0 ? "zero" : "a charge of \(-net) \(currency)") (refunded \(refunded), charged \(charged)), "
                    + "and a payment adjustment must be a credit to the buyer")
            refusal.net = net
            throw refusal
        }
        return request
    }
}

extension Decimal {
    /// Rounded to `scale` places, half away from zero (for the whole-quantity check above).
    fileprivate func rounded(_ scale: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }
}
