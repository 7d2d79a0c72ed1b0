import Foundation

/// A small RFC 8259 reader into `JSONValue`. It exists for speed and
/// exactness: a catalog transform reads 100,000 jsonb rows and the simulator
/// 25,000-message feeds, and `JSONDecoder`'s generic path into an enum costs
/// several times more (every probe for a value's kind builds an error);
/// numbers become `Decimal` from their digits, never via `Double`.
public struct JSONParser {
    /// Why a text is not JSON, and where: `offset` is the byte (UTF-8) offset
    /// of the first byte that does not fit.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// Byte offset into the UTF-8 text.
        public var offset: Int
        /// What was expected or found there.
        public var reason: String

        /// Makes a failure at `offset` for `reason`.
        public init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }

        /// `invalid JSON at byte N: reason`.
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Deeper nesting is refused rather than recursed into, so a hostile
    /// document cannot overflow the stack.
    public static let maximumDepth = 512

    let bytes: [UInt8]
    var index = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON value, with optional whitespace around it and nothing else.
    public static func parse(_ text: String) throws(Failure) -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses one JSON value from UTF-8 bytes (a feed document, a response body).
    public static func parse(_ data: Data) throws(Failure) -> JSONValue {
        try parse(bytes: [UInt8](data))
    }

    private static func parse(bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw Failure(offset: parser.index, reason: "trailing characters") }
        return value
    }

    /// One POSIX locale for every number (making one per call is costly on Linux).
    static let posix = Locale(identifier: "en_US_POSIX")

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        skipSpace()
        guard depth < Self.maximumDepth else { throw Failure(offset: index, reason: "nesting too deep") }
        guard index < bytes.count else { throw Failure(offset: index, reason: "unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw Failure(offset: index, reason: "expected a JSON value")
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

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
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
            members[key] = try value(depth: depth + 1)
            skipSpace()
            guard index < bytes.count else { throw Failure(offset: index, reason: "unexpected end") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw Failure(offset: index, reason: "expected ',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard index < bytes.count else { throw Failure(offset: index, reason: "unexpected end") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw Failure(offset: index, reason: "expected ',' or ']'")
        }
    }
}
