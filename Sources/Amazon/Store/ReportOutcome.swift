/// What applying one feed's outcome did to its sync rows.
public struct ReportOutcome: Sendable, Equatable, Codable {
    public var succeeded = 0
    public var failed = 0
    /// Follow-up rows (rule 7) written after accepted creates.
    public var followUps = 0
    /// The feed had been settled before (a re-run of the status job): nothing changed.
    public var alreadyApplied = false
    /// The catalog sync enqueued to send the follow-ups.
    public var catalogSyncJob: Int64?

    public init() {}
}
