import Foundation

/// Optional accessors, so callers read nested documents with `?.` chains
/// instead of a `switch` per level; each is nil when the value is of another kind.
extension JSONValue {
    /// An object's member, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// An array's element, or nil (also when out of range).
    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    /// The text, for `.string`.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    /// The flag, for `.bool`.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The number, for `.number` only.
    public var decimalValue: Decimal? { if case .number(let value) = self { value } else { nil } }
    /// The elements, for `.array`.
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    /// The members, for `.object`.
    public var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }

    /// The number for `.number`, or for a string holding one: PostgreSQL's
    /// `numeric::text` and Amazon's attributes both write amounts as strings.
    public var numericValue: Decimal? {
        switch self {
        case .number(let value): value
        case .string(let text): Decimal(string: text, locale: JSONParser.posix)
        default: nil
        }
    }

    /// An integer, when the number is whole and within ±`Int32.max` (counts,
    /// message ids); nil for fractions and anything larger.
    public var intValue: Int? {
        guard let decimal = decimalValue, decimal == decimal.truncatedToInteger, abs(decimal) <= Decimal(Int32.max) else {
            return nil
        }
        return NSDecimalNumber(decimal: decimal).intValue
    }
}
