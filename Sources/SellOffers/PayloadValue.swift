import Foundation

/// Any JSON value, decoded without judging it. The sell-offer payloads decode
/// into these first and are then validated as a whole, so one permanent
/// failure names *every* bad field, not just the first the decoder met.
enum PayloadValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    /// Any other number, as text (never through `Double`).
    case number(String)
    case string(String)
    case array([PayloadValue])
    case object([String: PayloadValue])

    /// Tries the likely shapes first (ids, quantities, then objects), so a
    /// typical payload decodes with few thrown-and-caught errors: each failed
    /// `try?` builds a `DecodingError` with its coding path, which was most of
    /// this type's decoding cost when every value tried Bool first.
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode(Int.self) { self = .integer(value); return }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var fields: [String: PayloadValue] = [:]
            for key in object.allKeys { fields[key.stringValue] = try object.decode(PayloadValue.self, forKey: key) }
            self = .object(fields)
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var items: [PayloadValue] = []
            while !array.isAtEnd { items.append(try array.decode(PayloadValue.self)) }
            self = .array(items)
            return
        }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        self = .number(try container.decode(Decimal.self).description)
    }

    /// Any object key.
    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// "a string", "a number", …: for messages.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The value as written, for messages (`2.5`, `"x"`).
    var shown: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .integer(let value): return String(value)
        case .number(let text): return text
        case .string(let value): return CanonicalJSON.string(String(value.prefix(60)))
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Collects payload problems as `field: problem` lines.
struct PayloadProblems {
    private(set) var lines: [String] = []
    mutating func add(_ field: String, _ problem: String) { lines.append("\(field): \(problem)") }
    var isEmpty: Bool { lines.isEmpty }

    /// The largest quantity accepted for one sell offer, and for a whole order
    /// (`order_price.order_quantity` is an integer column).
    static let maxQuantity = 1_000_000
    static let maxOrderQuantity = Int(Int32.max)

    /// A non-empty string id.
    mutating func id(_ value: PayloadValue?, _ field: String) -> String? {
        switch value {
        case nil: add(field, "required field is missing")
        case .string(let text) where text.isEmpty: add(field, "must not be empty")
        case .string(let text): return text
        case let other?: add(field, "expected a string id, found \(other.kind) (\(other.shown))")
        }
        return nil
    }

    /// A whole number in 1…maxQuantity.
    mutating func quantity(_ value: PayloadValue?, _ field: String) -> Int? {
        switch value {
        case nil: add(field, "required field is missing")
        case .integer(let number) where number >= 1 && number <= Self.maxQuantity: return number
        case .integer(let number) where number > Self.maxQuantity:
            add(field, "quantity must be at most \(Self.maxQuantity), got \(number)")
        case .integer(let number): add(field, "quantity must be a positive whole number, got \(number)")
        case .number(let text): add(field, "quantity must be a positive whole number, got \(text)")
        case let other?: add(field, "quantity must be a positive whole number, found \(other.kind) (\(other.shown))")
        }
        return nil
    }

    /// A non-empty array of non-empty string ids, duplicates dropped (first kept).
    mutating func idList(_ value: PayloadValue?, _ field: String) -> [String] {
        guard let value else { add(field, "required field is missing"); return [] }
        guard case .array(let items) = value else {
            add(field, "expected an array of string ids, found \(value.kind)")
            return []
        }
        if items.isEmpty { add(field, "must name at least one id") }
        var ids: [String] = []
        for (index, item) in items.enumerated() {
            if let id = id(item, "\(field)[\(index)]"), !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    /// `payload` must be an object; returns its fields.
    mutating func object(_ value: PayloadValue, _ field: String) -> [String: PayloadValue] {
        guard case .object(let fields) = value else {
            add(field, "expected an object, found \(value.kind)")
            return [:]
        }
        return fields
    }
}
