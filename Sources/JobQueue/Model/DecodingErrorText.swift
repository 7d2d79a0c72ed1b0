import Foundation

/// Turns a `DecodingError` into one line naming the JSON path, e.g.
/// `sku_list[2]: expected String, found a number`.
public enum DecodingErrorText {
    /// The deepest nesting of arrays and objects that Foundation's JSON parser
    /// accepts on Linux (swift-corelibs-foundation): 512 levels parse, 513 do
    /// not, found by experiment. PostgreSQL's jsonb takes far deeper values, so
    /// a payload the database stored can still be too deep for a handler.
    public static let maximumNestingDepth = 512

    /// One line for a decoding error. Pass the `json` that failed to decode so
    /// that a too-deeply nested document is named as such (Foundation only
    /// says "The given data was not valid JSON").
    public static func describe(_ error: any Error, json: Data? = nil, showValues: Bool = true) -> String {
        if let json, let nesting = tooDeep(json) { return nesting }
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type)), \(found(context, showValues))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found null"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError.map { " (\(String(describing: $0).prefix(120)))" }) ?? ""
            return "\(path(context.codingPath)): \(context.debugDescription)\(showValues ? underlying : "")"
        @unknown default:
            return String(describing: error)
        }
    }

    public static func path(_ codingPath: [any CodingKey]) -> String {
        if codingPath.isEmpty { return "payload" }
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func typeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") { return "an object" }
        if name.hasPrefix("Array") || name.hasPrefix("UnkeyedDecodingContainer") { return "an array" }
        return name
    }

    private static func found(_ context: DecodingError.Context, _ showValues: Bool) -> String {
        // Foundation's message reads "Expected to decode X but found Y instead."
        let message = context.debugDescription
        if let range = message.range(of: "but found ") {
            return "found " + message[range.upperBound...].replacingOccurrences(of: " instead.", with: "")
        }
        return showValues ? message : "found another type"
    }

    /// "nested too deeply: …" when `json` nests deeper than
    /// `maximumNestingDepth`, else nil.
    public static func tooDeep(_ json: Data) -> String? {
        let depth = nestingDepth(json)
        guard depth > maximumNestingDepth else { return nil }
        return "nested too deeply: \(depth) levels of arrays and objects, and at most \(maximumNestingDepth) can be decoded"
    }

    /// The deepest nesting of `[` and `{` in a JSON text, brackets inside
    /// strings not counted. Linear, with no allocation, so it is cheap even
    /// for a payload that is nothing but brackets.
    public static func nestingDepth(_ json: Data) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in json {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}
