/// An unknown log format name.
public struct LogFormatError: Error, CustomStringConvertible {
    /// The name given.
    public let name: String
    /// Names the choices.
    public var description: String {
        "unknown log format '\(name)'; use \(LogFormat.allCases.map(\.rawValue).joined(separator: " or "))"
    }
}
