/// Turns a `DecodingError` into one line naming the JSON path, e.g.
/// `sku_list[2]: expected String, found a number`.
public enum DecodingErrorText {
    public static func describe(_ error: any Error, showValues: Bool = true) -> String {
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
}
