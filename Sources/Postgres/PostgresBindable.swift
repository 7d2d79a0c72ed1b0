import Foundation

/// A Swift value sent as a query parameter. Parameters travel in libpq's text
/// format and the SQL casts them (`$1::bigint[]`, `$2::jsonb`), so the server,
/// not this file, owns type conversion.
public protocol PostgresBindable: Sendable {
    /// The text form, or `nil` for SQL NULL.
    var postgresText: String? { get }
}

extension String: PostgresBindable { public var postgresText: String? { self } }
extension Substring: PostgresBindable { public var postgresText: String? { String(self) } }
extension Int: PostgresBindable { public var postgresText: String? { String(self) } }
extension Int64: PostgresBindable { public var postgresText: String? { String(self) } }
extension Int32: PostgresBindable { public var postgresText: String? { String(self) } }
extension Bool: PostgresBindable { public var postgresText: String? { self ? "t" : "f" } }
extension Decimal: PostgresBindable { public var postgresText: String? { description } }
extension Double: PostgresBindable { public var postgresText: String? { String(self) } }

extension Date: PostgresBindable {
    /// Microsecond precision, UTC, ISO 8601: what `timestamptz` reads without ambiguity.
    public var postgresText: String? { PostgresTimestamp.format(self) }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: String? { self?.postgresText }
}

extension Array: PostgresBindable where Element: PostgresBindable {
    /// An array literal with every element quoted, which is valid for any element type.
    /// Written as UTF-8 bytes: `"` and `\` are single bytes that no multi-byte
    /// sequence contains. Walking Characters (grapheme breaking) instead was a
    /// third of the Amazon transform's CPU in release (about 1.2 s for its
    /// 100,000 operations' JSON), and it left a `"` followed by a combining mark unescaped.
    public var postgresText: String? {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        for (index, element) in enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let value = element.postgresText else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A JSON document to bind to a `jsonb` parameter.
public struct PostgresJSON: PostgresBindable, Sendable {
    public var text: String
    public init(text: String) { self.text = text }
    public init(data: Data) { self.text = String(decoding: data, as: UTF8.self) }
    public init<T: Encodable>(encoding value: T, encoder: JSONEncoder = JSONEncoder()) throws {
        self.text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }
    public var postgresText: String? { text }
}
