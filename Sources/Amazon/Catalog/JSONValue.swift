import Foundation

/// A JSON value as it sits in `operation_data` and `sync_values`. Numbers are
/// `Decimal`, decoded from their digits, so a price read from jsonb is never
/// rounded through a `Double`.
public enum JSONValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Decimal.self) { self = .number(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: JSONValue].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The text, for `.string`; nil otherwise.
    public var string: String? { if case .string(let value) = self { value } else { nil } }
    /// The flag, for `.bool`; nil otherwise.
    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The number, for `.number` (or a string holding one, as `numeric::text` writes it).
    public var decimal: Decimal? {
        switch self {
        case .number(let value): value
        case .string(let text): Decimal(string: text, locale: JSONParser.posix)
        default: nil
        }
    }

    /// Compact JSON text, for messages and tests.
    public var description: String {
        var writer = JSONWriter()
        writer.value(self)
        return writer.text
    }

    /// Parses a jsonb column's text as an object.
    public static func object(parsing text: String) throws -> [String: JSONValue] {
        guard case .object(let members) = try JSONParser.parse(text) else {
            throw JSONParser.Failure(offset: 0, reason: "expected an object")
        }
        return members
    }
}
