/// One `searchOrders` request the simulator answered, for tests.
public struct AmazonOrderSearchRecord: Sendable, Equatable {
    /// `lastUpdatedAfter` or `createdAfter`, as sent.
    public var after: String?
    /// `lastUpdatedBefore` or `createdBefore`, as sent.
    public var before: String?
    /// `last_updated` or `created`.
    public var basis: String?
    /// The token sent, on later pages.
    public var paginationToken: String?
    /// Orders returned.
    public var returned: Int
    /// The HTTP status answered.
    public var status: Int
}
