import Foundation

/// Exact decimal helpers. Amounts are `Decimal` built from strings or
/// integers, never from floating-point literals (a `Decimal` literal like
/// `0.1` goes through `Double`).
public enum Money {
    /// Parses plain decimal notation (`"95.00"`, `"-3"`, `".5"`, `"+7."`)
    /// exactly; nil for anything else (exponents, grouping, other scripts'
    /// digits). Surrounding spaces and tabs are ignored.
    ///
    /// Hand-written because it runs for every amount of every catalog read:
    /// the regular expression it replaces was compiled from its literal on
    /// each call, which was 28% of a recalculating worker's CPU. Up to 19
    /// significant digits the value is built from an integer and a power of
    /// ten; longer texts (already checked to be plain decimals) go to
    /// `Decimal(string:)`, which is exact up to `Decimal`'s 38 digits.
    public static func parse(_ text: String) -> Decimal? {
        var bytes = Substring(text).utf8[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        if let first = bytes.first, let last = bytes.last, first >= 0x80 || last >= 0x80 {
            // Other Unicode white space at the edges: the slow, general trim.
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed.utf8.count == text.utf8.count ? nil : parse(trimmed)
        }
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var significand: UInt64 = 0
        var significantDigits = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                if seenPoint { fractionDigits += 1 }
                if significantDigits > 0 || byte != UInt8(ascii: "0") {
                    significantDigits += 1
                    if significantDigits <= 19 { significand = significand &* 10 &+ UInt64(byte - UInt8(ascii: "0")) }
                }
            case UInt8(ascii: ".") where !seenPoint:
                seenPoint = true
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        if significantDigits > 19 || fractionDigits > 100 {
            return Decimal(string: String(decoding: bytes, as: UTF8.self), locale: Locale(identifier: "en_US_POSIX"))
                .map { negative ? -$0 : $0 }
        }
        let magnitude = Decimal(sign: .plus, exponent: -fractionDigits, significand: Decimal(significand))
        return negative && significand != 0 ? -magnitude : magnitude
    }

    /// Rounds half away from zero to `scale` decimals (`NSDecimalRound`
    /// `.plain` rounds a tie up for positive values and down for negative ones).
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
