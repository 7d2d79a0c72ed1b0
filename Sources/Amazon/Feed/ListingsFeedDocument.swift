import Foundation

/// One JSON_LISTINGS_FEED document and which sync row each message carries.
public struct ListingsFeedDocument: Sendable {
    /// A message's id in the feed, its SKU and its sync row.
    public struct Message: Sendable, Equatable {
        public var messageID: Int
        public var syncID: Int64
        public var sku: String
    }

    /// The document bytes (UTF-8 JSON), ready to upload.
    public var data: Data
    public var messages: [Message]
}
