/// The feed builder's output: the documents, and the entries that could not
/// become a message (a price without a price, a delete without a SKU), each
/// with the reason, for the store to mark Failure without sending.
public struct FeedBuild: Sendable {
    public var documents: [ListingsFeedDocument]
    public var rejected: [(syncID: Int64, reason: String)]
}
