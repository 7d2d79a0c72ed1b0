import ExactJSON

/// An existing sync row that is not settled as Success: New (unsent, or in a
/// feed awaiting its report) or Failure. The transformer merges new changes
/// into these (rule 8).
public struct OpenSyncRow: Sendable, Equatable {
    public var id: Int64
    public var record: RecordKey
    public var templateID: Int64?
    public var type: SyncType
    public var status: SyncStatus
    public var values: [String: JSONValue]
    /// The failure was not about the content (FATAL or cancelled feed): retry without a new write.
    public var retryUnchanged: Bool

    public init(
        id: Int64, record: RecordKey, templateID: Int64?, type: SyncType, status: SyncStatus,
        values: [String: JSONValue], retryUnchanged: Bool = false
    ) {
        self.id = id
        self.record = record
        self.templateID = templateID
        self.type = type
        self.status = status
        self.values = values
        self.retryUnchanged = retryUnchanged
    }
}
