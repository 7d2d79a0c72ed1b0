import ExactJSON

/// One sync row to send: its type and values, and the listing as it is now
/// (nil for a delete, whose SKUs are in the values).
public struct FeedEntry: Sendable, Equatable {
    public var syncID: Int64
    public var type: SyncType
    public var values: [String: JSONValue]
    public var listing: ListingSnapshot?

    public init(syncID: Int64, type: SyncType, values: [String: JSONValue], listing: ListingSnapshot?) {
        self.syncID = syncID
        self.type = type
        self.values = values
        self.listing = listing
    }

    /// The SKUs a delete removes: a template delete removes its whole family.
    public var deleteSKUs: [String] {
        if case .array(let items)? = values["skus"] { return items.compactMap(\.stringValue) }
        if let sku = values[ChangeKeys.sku]?.stringValue { return [sku] }
        return listing.map { [$0.sku] } ?? []
    }
}
