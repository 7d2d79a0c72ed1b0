/// How the worker's log lines look: `text` is swift-log's readable
/// `key=value` form, `json` one JSON object per line (`JSONLogHandler`).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// `--log-format`, else `LOG_FORMAT`, else text. An unknown name is an error naming the choices.
    public static func resolve(_ explicit: String?, environment: [String: String]) throws(LogFormatError) -> LogFormat {
        guard let name = explicit ?? environment["LOG_FORMAT"], !name.isEmpty else { return .text }
        guard let format = LogFormat(rawValue: name.lowercased()) else { throw LogFormatError(name: name) }
        return format
    }
}
