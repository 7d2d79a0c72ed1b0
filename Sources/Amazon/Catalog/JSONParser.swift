import Foundation

/// A small JSON reader for jsonb text (which PostgreSQL has already
/// validated). It exists for speed and exactness: a transform reads 100,000
/// operation rows, and `JSONDecoder` with trial decoding costs several times
/// more; numbers become `Decimal` from their digits.
struct JSONParser {
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    static func parse(_ text: String) throws(Failure) -> JSONValue {
        var parser = JSONParser(text)
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw Failure(offset: parser.index, reason: "trailing characters") }
        return value
    }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        skipSpace()
        guard index < bytes.count else { throw Failure(offset: index, reason: "unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Failure(offset: index, reason: "unexpected end") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw Failure(offset: index, reason: "unknown literal")
        }
        index += count
    }

    private mutating func object() throws(Failure) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw Failure(offset: index, reason: "expected a key")
            }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw Failure(offset: index, reason: "expected ':'")
            }
            index += 1
            members[key] = try value()
            skipSpace()
            guard index < bytes.count else { throw Failure(offset: index, reason: "unexpected end") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw Failure(offset: index, reason: "expected ',' or '}'")
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            items.append(try value())
            skipSpace()
            guard index < bytes.count else { throw Failure(offset: index, reason: "unexpected end") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw Failure(offset: index, reason: "expected ',' or ']'")
        }
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        // Most strings have no escape: take them straight from the bytes.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let text = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end + 1
            return text
        }
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count,
                        bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try hex4()
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
                default: out.append(escape)
                }
            default: out.append(byte)
            }
        }
        throw Failure(offset: index, reason: "unterminated string")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Failure(offset: index, reason: "short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Failure(offset: index - 1, reason: "bad hex digit")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        while index < bytes.count, Self.numberBytes.contains(bytes[index]) { index += 1 }
        if let value = Self.shortDecimal(bytes[start..<index]) { return .number(value) }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !text.isEmpty, let value = Decimal(string: text, locale: Self.posix) else {
            throw Failure(offset: start, reason: "not a number")
        }
        return .number(value)
    }

    /// `-12`, `3`, `19.99`: up to 18 digits, no exponent, read exactly as
    /// digits × 10^-scale. Operation data holds such numbers (quantities,
    /// counts, prices), and building them from an integer is many times
    /// cheaper than `Decimal(string:)`, which the rest falls back to.
    static func shortDecimal(_ text: ArraySlice<UInt8>) -> Decimal? {
        var position = text.startIndex
        let negative = position < text.endIndex && text[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var digits: UInt64 = 0
        var count = 0
        var scale = 0
        var sawPoint = false
        while position < text.endIndex {
            let byte = text[position]
            if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if count == 18 { return nil }
                digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                count += 1
                if sawPoint { scale += 1 }
            } else {
                return nil
            }
            position += 1
        }
        // JSON allows no bare ".5", "5." or empty numbers; those go to the slow path and its error.
        guard count > 0, !sawPoint || (scale > 0 && scale < count) else { return nil }
        return Decimal(sign: negative && digits != 0 ? .minus : .plus, exponent: -scale, significand: Decimal(digits))
    }

    /// One POSIX locale for every number (making one per call is costly on Linux).
    static let posix = Locale(identifier: "en_US_POSIX")

    private static let numberBytes = Set("0123456789+-.eE".utf8)
}
