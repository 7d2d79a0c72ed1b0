/// What one transform produced.
public struct TransformResult: Sendable, Equatable {
    /// Rows to write as New, at most one per (record, type).
    public var changes: [SyncChange]
    /// Open rows an unlink or a deactivation made moot; the store deletes them.
    public var superseded: [Int64]
    /// Operations that produced nothing (not listed, no SKU, dropped by an unlink).
    public var ignoredOperations: Int

    public init(changes: [SyncChange] = [], superseded: [Int64] = [], ignoredOperations: Int = 0) {
        self.changes = changes
        self.superseded = superseded
        self.ignoredOperations = ignoredOperations
    }

    /// The change of one record and type, if any (tests and follow-ups read it).
    public func change(_ record: RecordKey, _ type: SyncType) -> SyncChange? {
        changes.first { $0.record == record && $0.type == type }
    }
}
