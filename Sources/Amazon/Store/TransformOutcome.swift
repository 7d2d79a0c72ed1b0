/// What one `transformPending` call did, for the job's result.
public struct TransformOutcome: Sendable, Equatable, Codable {
    /// Operations marked processed.
    public var operations = 0
    /// Sync rows written as New.
    public var syncRows = 0
    /// Open rows deleted because an unlink or a deactivation made them moot.
    public var superseded = 0
    /// Operations that produced nothing.
    public var ignored = 0
    /// Transactions used (one per batch of operations).
    public var batches = 0

    public init() {}
}
