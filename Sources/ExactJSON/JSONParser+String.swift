import Foundation

/// Strings: most have no escape and are taken straight from the bytes; the
/// rest are unescaped byte by byte. Raw control characters and unknown
/// escapes are refused, as RFC 8259 says.
extension JSONParser {
    mutating func string() throws(Failure) -> String {
        index += 1
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") {
            if bytes[end] < 0x20 { throw Failure(offset: end, reason: "control character in a string") }
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let text = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end + 1
            return text
        }
        var out = Array(bytes[index..<end])
        index = end
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
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                default: throw Failure(offset: index - 1, reason: "bad escape")
                }
            case 0..<0x20: throw Failure(offset: index - 1, reason: "control character in a string")
            default: out.append(byte)
            }
        }
        throw Failure(offset: index, reason: "unterminated string")
    }

    /// The UTF-8 of `\uXXXX` (after the `u`), joining a surrogate pair; a
    /// lone surrogate becomes U+FFFD.
    private mutating func unicodeEscape() throws(Failure) -> String.UTF8View {
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
        {
            let resume = index
            index += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
                index = resume  // Not a pair: the next escape stands alone.
            }
        }
        return String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8
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
}
