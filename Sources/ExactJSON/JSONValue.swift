import Foundation

/// Any JSON value, with numbers kept as `Decimal` built from their digits, so
/// a price such as 19.99 read from jsonb or from a feed is never rounded
/// through a `Double`. The queue's Amazon module and the simulator share this
/// one type (this module imports nothing but Foundation, so the simulator
/// stays free of queue code).
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, exactly as its digits say.
    case number(Decimal)
    /// A string, unescaped.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object; member order is not kept (the writer sorts keys).
    case object([String: JSONValue])

    /// Parses text that must be a JSON object, as a jsonb column of objects
    /// holds; anything else is a `JSONParser.Failure` at offset 0.
    public static func object(parsing text: String) throws(JSONParser.Failure) -> [String: JSONValue] {
        guard case .object(let members) = try JSONParser.parse(text) else {
            throw JSONParser.Failure(offset: 0, reason: "expected an object")
        }
        return members
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text with sorted keys (see `JSONWriter`), for messages and tests.
    public var description: String {
        var writer = JSONWriter()
        writer.value(self)
        return writer.text
    }
}
