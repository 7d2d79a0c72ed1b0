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
    public var postgresText: String? {
        var text = "{"
        for (index, element) in enumerated() {
            if index > 0 { text += "," }
            if let value = element.postgresText {
                text += "\""
                for character in value {
                    if character == "\"" || character == "\\" { text += "\\" }
                    text.append(character)
                }
                text += "\""
            } else {
                text += "NULL"
            }
        }
        return text + "}"
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
