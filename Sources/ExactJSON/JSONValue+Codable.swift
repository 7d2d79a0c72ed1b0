import Foundation

/// `Codable`, so a `JSONValue` can sit inside `Decodable` types read with
/// `JSONDecoder` (an orders page, a stored listing). `JSONParser` is the fast
/// path for whole documents.
extension JSONValue: Codable {
    /// Decodes any JSON value. Most common kinds are tried first: every failed
    /// try builds a `DecodingError`, and a 25,000-message feed holds about a
    /// million values. Bool is tried before number so `true` never becomes 1.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
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
}
