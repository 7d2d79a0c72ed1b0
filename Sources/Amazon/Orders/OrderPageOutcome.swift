/// What storing one page of orders did.
public struct OrderPageOutcome: Sendable, Codable, Equatable {
    /// Orders on the page.
    public var received = 0
    /// Orders new to the table.
    public var inserted = 0
    /// Stored orders replaced by a version at least as recent.
    public var updated = 0
    /// Orders older than the stored version, left alone.
    public var stale = 0
    /// Items inserted or updated.
    public var items = 0

    enum CodingKeys: String, CodingKey { case received, inserted, updated, stale, items }

    /// Nothing yet.
    public init() {}
}
