import Foundation

extension Decimal {
    /// Rounded toward zero to a whole number (to tell integers in JSON from fractions).
    var truncatedToInteger: Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, 0, .down)
        return result
    }
}
