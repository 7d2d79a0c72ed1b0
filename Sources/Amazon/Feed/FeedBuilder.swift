import ExactJSON
import Foundation

/// Turns sync rows into JSON_LISTINGS_FEED documents (design's mapping
/// table): at most `maxMessages` per document, message ids 1… unique in each
/// document and mapped back to their sync rows. Pure: no I/O.
public struct FeedBuilder: Sendable {
    /// The schema's `maxItems` for messages.
    public static let maxMessagesPerFeed = 25_000

    public let settings: FeedSettings
    public let maxMessages: Int

    public init(settings: FeedSettings, maxMessages: Int = FeedBuilder.maxMessagesPerFeed) {
        self.settings = settings
        self.maxMessages = min(max(1, maxMessages), Self.maxMessagesPerFeed)
    }

    /// Builds the documents for `entries`, in their order.
    public func build(_ entries: [FeedEntry]) -> FeedBuild {
        var bodies: [(syncID: Int64, sku: String, body: [String: JSONValue])] = []
        bodies.reserveCapacity(entries.count)
        var rejected: [(syncID: Int64, reason: String)] = []
        for entry in entries {
            switch messages(for: entry) {
            case .success(let list): bodies += list.map { (entry.syncID, $0.sku, $0.body) }
            case .failure(let error): rejected.append((entry.syncID, error.reason))
            }
        }
        var documents: [ListingsFeedDocument] = []
        var start = 0
        while start < bodies.count {
            var end = min(start + maxMessages, bodies.count)
            // One entry's messages (a family delete) stay in one document, so one feed settles its row.
            while end < bodies.count, end > start + 1, bodies[end].syncID == bodies[end - 1].syncID { end -= 1 }
            if end < bodies.count, bodies[end].syncID == bodies[end - 1].syncID, end == start + 1 {
                end = min(start + maxMessages, bodies.count)
            }
            documents.append(document(Array(bodies[start..<end])))
            start = end
        }
        return FeedBuild(documents: documents, rejected: rejected)
    }

    private func document(_ bodies: [(syncID: Int64, sku: String, body: [String: JSONValue])]) -> ListingsFeedDocument {
        var writer = JSONWriter(capacity: bodies.count * 300 + 200)
        writer.raw("{\"header\":")
        writer.value(
            .object([
                "sellerId": .string(settings.sellerID), "version": .string("2.0"),
                "issueLocale": .string(settings.languageTag),
            ]))
        writer.raw(",\"messages\":[")
        var refs: [ListingsFeedDocument.Message] = []
        refs.reserveCapacity(bodies.count)
        for (index, item) in bodies.enumerated() {
            if index > 0 { writer.raw(",") }
            var body = item.body
            body["messageId"] = .number(Decimal(index + 1))
            body["sku"] = .string(item.sku)
            writer.value(.object(body))
            refs.append(ListingsFeedDocument.Message(messageID: index + 1, syncID: item.syncID, sku: item.sku))
        }
        writer.raw("]}")
        return ListingsFeedDocument(data: Data(writer.bytes), messages: refs)
    }

    /// Why an entry cannot be sent; the sync row becomes Failure with it.
    struct Rejection: Error { var reason: String }

    /// The message bodies (without `messageId`) one entry becomes.
    func messages(for entry: FeedEntry) -> Result<[(sku: String, body: [String: JSONValue])], Rejection> {
        if entry.type == .delete {
            let skus = entry.deleteSKUs
            guard !skus.isEmpty else { return .failure(Rejection(reason: "delete: no SKU recorded for the unlinked record")) }
            return .success(skus.map { ($0, ["operationType": .string("DELETE")]) })
        }
        guard let listing = entry.listing else {
            return .failure(Rejection(reason: "\(entry.type.rawValue): the record no longer exists or has no SKU"))
        }
        let productType = JSONValue.string(listing.productType ?? settings.defaultProductType)
        do {
            switch entry.type {
            case .create:
                return .success([
                    (
                        listing.sku,
                        [
                            "operationType": .string("UPDATE"), "productType": productType,
                            "requirements": .string("LISTING"), "attributes": .object(createAttributes(listing)),
                        ]
                    )
                ])
            default:
                let patches = try patches(for: entry.type, values: entry.values, listing: listing)
                return .success([
                    (
                        listing.sku,
                        [
                            "operationType": .string("PATCH"), "productType": productType,
                            "patches": .array(patches),
                        ]
                    )
                ])
            }
        } catch let rejection as Rejection {
            return .failure(rejection)
        } catch {
            return .failure(Rejection(reason: "\(error)"))
        }
    }
}
