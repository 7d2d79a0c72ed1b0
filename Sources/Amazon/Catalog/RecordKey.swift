/// One ERP record: a template or a variant.
public struct RecordKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var model: ModelName
    public var id: Int64

    public init(_ model: ModelName, _ id: Int64) {
        self.model = model
        self.id = id
    }

    public static func template(_ id: Int64) -> RecordKey { RecordKey(.productTemplate, id) }
    public static func variant(_ id: Int64) -> RecordKey { RecordKey(.productProduct, id) }

    public static func < (lhs: RecordKey, rhs: RecordKey) -> Bool {
        (lhs.model.rawValue, lhs.id) < (rhs.model.rawValue, rhs.id)
    }

    public var description: String { "\(model.rawValue) \(id)" }
}
