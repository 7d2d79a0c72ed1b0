import Foundation

/// A currency and its minor unit (the number of decimal places a price may
/// carry). The authority is the `sell_offer_currency` table (THB, USD, EUR: 2;
/// JPY: 0); the repository loads it with the prices so the pure code never
/// guesses an exponent.
public struct Currency: Sendable, Hashable, Codable {
    public let code: String
    public let minorUnit: Int

    public init(code: String, minorUnit: Int) {
        precondition((0...6).contains(minorUnit), "minor unit \(minorUnit) out of range")
        self.code = code
        self.minorUnit = minorUnit
    }

    /// Rounds half away from zero to the minor unit (`NSDecimalRound` `.plain`
    /// rounds a tie up for positive values and down for negative ones).
    public func round(_ amount: Decimal) -> Decimal {
        Money.round(amount, scale: minorUnit)
    }

    /// Whether `amount` is already expressible in the minor unit.
    public func fits(_ amount: Decimal) -> Bool { round(amount) == amount }

    /// Fixed-point text with exactly `minorUnit` decimals: `813.40`, `1200` for JPY.
    public func format(_ amount: Decimal) -> String { Money.format(amount, scale: minorUnit) }
}

/// Exact decimal helpers. Amounts are `Decimal` built from strings or
/// integers, never from floating-point literals (a `Decimal` literal like
/// `0.1` goes through `Double`).
public enum Money {
    /// Parses plain decimal notation (`"95.00"`, `"-3"`) exactly; nil for anything else.
    public static func parse(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty,
              trimmed.wholeMatch(of: /[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)/) != nil,
              let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        return value
    }

    public static func round(_ amount: Decimal, scale: Int) -> Decimal {
        var input = amount
        var output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return output
    }

    /// Rounds to `scale`, then writes the digits by hand so the text never
    /// depends on a locale or on `Decimal.description`'s trimming of zeros.
    public static func format(_ amount: Decimal, scale: Int) -> String {
        let rounded = round(amount, scale: scale)
        var shifted = rounded
        for _ in 0..<scale { shifted *= 10 }
        let negative = shifted < 0
        var digits = (negative ? -shifted : shifted).description
        if let dot = digits.firstIndex(of: ".") { digits = String(digits[..<dot]) }  // cannot happen after rounding
        if scale > 0 {
            while digits.count <= scale { digits = "0" + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return (negative ? "-" : "") + digits
    }
}
