import ExactJSON

/// A sync row to write as `New`: the transformer's output. Its values are
/// final (already merged with any open row of the same record and type).
public struct SyncChange: Sendable, Equatable, CustomStringConvertible {
    public var record: RecordKey
    public var templateID: Int64?
    public var type: SyncType
    public var values: [String: JSONValue]

    public init(record: RecordKey, templateID: Int64?, type: SyncType, values: [String: JSONValue]) {
        self.record = record
        self.templateID = templateID
        self.type = type
        self.values = values
    }

    public var description: String { "\(type.rawValue) \(record) \(JSONValue.object(values))" }
}
