import Foundation

/// Numbers: checked against the RFC 8259 grammar first (so "01", "1." or
/// "-" fail at the byte that is wrong), then read exactly as `Decimal`.
extension JSONParser {
    mutating func number() throws(Failure) -> Decimal {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            try digits("expected a digit")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            try digits("expected a digit after '.'")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            try digits("expected a digit in the exponent")
        }
        if let value = Self.shortDecimal(bytes[start..<index]) { return value }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Decimal(string: text, locale: Self.posix), !value.isNaN else {
            throw Failure(offset: start, reason: "number out of range")
        }
        return value
    }

    /// One or more digits, or a failure at the first byte that is not one.
    private mutating func digits(_ reason: String) throws(Failure) {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        guard index > start else { throw Failure(offset: index, reason: reason) }
    }

    /// `-12`, `3`, `19.99`: up to 18 digits, no exponent, read exactly as
    /// digits × 10^-scale. Operation data holds such numbers (quantities,
    /// counts, prices), and building them from an integer is many times
    /// cheaper than `Decimal(string:)`, which the rest falls back to. The
    /// text has passed the grammar check already.
    static func shortDecimal(_ text: ArraySlice<UInt8>) -> Decimal? {
        var position = text.startIndex
        let negative = text[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var digits: UInt64 = 0
        var count = 0
        var scale = 0
        var sawPoint = false
        while position < text.endIndex {
            let byte = text[position]
            if byte == UInt8(ascii: ".") {
                sawPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if count == 18 { return nil }
                digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                count += 1
                if sawPoint { scale += 1 }
            } else {
                return nil  // An exponent: the general path.
            }
            position += 1
        }
        return Decimal(sign: negative && digits != 0 ? .minus : .plus, exponent: -scale, significand: Decimal(digits))
    }
}
