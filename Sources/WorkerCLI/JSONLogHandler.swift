import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line on stderr, for log
/// shippers: `timestamp` (ISO 8601, UTC, milliseconds), `level`, `label`,
/// `message`, then every metadata key at the top level (a key that would
/// shadow one of those four is written as `metadata.<key>`). Encoded with
/// JSONSerialization, so quotes, newlines and control characters in messages
/// are escaped properly. What is logged is the same as in the key=value form:
/// the worker never puts payloads or credentials into log metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    let label: String

    static let reserved: Set<String> = ["timestamp", "level", "label", "message"]

    /// A handler for the logger named `label`, at level info until told otherwise.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the event as one line; one `write` call, so lines of concurrent loggers never interleave.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = Self.encode(
            timestamp: Date(), level: event.level, label: label,
            message: event.message.description, metadata: merged)
        FileHandle.standardError.write(line)
    }

    /// One line: the JSON object and a newline.
    static func encode(
        timestamp: Date, level: Logger.Level, label: String, message: String,
        metadata: Logger.Metadata
    ) -> Data {
        var object: [String: Any] = [
            "timestamp": timestamp.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            "level": level.rawValue,
            "label": label,
            "message": message,
        ]
        for (key, value) in metadata {
            object[reserved.contains(key) ? "metadata.\(key)" : key] = Self.json(value)
        }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"level":"error","message":"log line could not be encoded as JSON"}"#.utf8)
        return data + Data("\n".utf8)
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return values.map(json)
        case .dictionary(let dictionary): return dictionary.mapValues(json)
        }
    }
}
