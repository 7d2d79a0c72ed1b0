import Foundation

/// Any JSON value, with numbers kept as `Decimal` so a price such as 19.99
/// passes through the simulator exactly (never through a Double).
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value (JSONDecoder path; `parse` is faster).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Most common kinds first: every failed try builds a DecodingError, and a
        // 25,000-message feed holds about a million values.
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([String: JSONValue].self) { self = .object(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        self = .number(try container.decode(Decimal.self))
    }

    /// Encodes as the JSON it holds.
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

    /// Parses JSON text quickly (see `JSONValueParser`); same result as `JSONDecoder`.
    public static func parse(_ data: Data) throws -> JSONValue { try JSONValueParser.parse(data) }

    /// An object's member, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// An array's element, or nil.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    /// The string, if it is one.
    public var stringValue: String? { if case .string(let value) = self { return value } else { return nil } }
    /// The number, if it is one.
    public var decimalValue: Decimal? { if case .number(let value) = self { return value } else { return nil } }
    /// The elements, if an array.
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { return value } else { return nil } }
    /// The members, if an object.
    public var objectValue: [String: JSONValue]? { if case .object(let value) = self { return value } else { return nil } }

    /// An integer, when the number is whole and fits.
    public var intValue: Int? {
        guard let decimal = decimalValue, decimal == decimal.truncatedToInteger, abs(decimal) <= Decimal(Int32.max) else {
            return nil
        }
        return NSDecimalNumber(decimal: decimal).intValue
    }
}
