import Foundation

/// The answer to `createFeedDocument`: where to PUT the feed bytes. The URL is
/// pre-signed (its query is a signature) and expires after 5 minutes; it is
/// never printed, only its path.
public struct FeedDocumentUpload: Sendable, Equatable, CustomStringConvertible {
    /// The document id to pass to `createFeed`.
    public let feedDocumentID: String
    /// The pre-signed upload URL (its query is a signature: never print it).
    public let url: URL
    /// The Content-Type given to `createFeedDocument`; the PUT must send the same.
    public let contentType: String

    /// An upload target from parts.
    public init(feedDocumentID: String, url: URL, contentType: String) {
        self.feedDocumentID = feedDocumentID
        self.url = url
        self.contentType = contentType
    }

    /// The id only, never the URL.
    public var description: String { "feed document \(feedDocumentID)" }
}

/// `processingStatus` of a feed. `DONE`, `FATAL` and `CANCELLED` are final.
public enum FeedProcessingStatus: String, Sendable, Codable, CaseIterable {
    case cancelled = "CANCELLED", done = "DONE", fatal = "FATAL", inProgress = "IN_PROGRESS", inQueue = "IN_QUEUE"

    /// Polling can stop.
    public var isTerminal: Bool { self == .done || self == .fatal || self == .cancelled }
}

/// The answer to `getFeed`.
public struct Feed: Sendable, Equatable, Decodable {
    /// The feed id, unique per seller.
    public let feedID: String
    /// e.g. `JSON_LISTINGS_FEED`.
    public let feedType: String
    /// Marketplaces the feed applies to.
    public let marketplaceIDs: [String]?
    /// ISO 8601 text as Amazon sent it.
    public let createdTime: String
    /// Where the feed is; poll until `isTerminal`.
    public let processingStatus: FeedProcessingStatus
    /// ISO 8601, once processing started.
    public let processingStartTime: String?
    /// ISO 8601, once processing ended.
    public let processingEndTime: String?
    /// The processing report's document, once DONE (and usually when FATAL).
    public let resultFeedDocumentID: String?

    enum CodingKeys: String, CodingKey {
        case feedID = "feedId", feedType, marketplaceIDs = "marketplaceIds", createdTime, processingStatus
        case processingStartTime, processingEndTime, resultFeedDocumentID = "resultFeedDocumentId"
    }
}

/// The answer to `getFeedDocument`: where to download a document (a
/// processing report), and whether it is gzipped.
public struct FeedDocument: Sendable, Equatable, Decodable, CustomStringConvertible {
    /// The document id.
    public let feedDocumentID: String
    /// The pre-signed download URL (never print it).
    public let url: URL
    /// `GZIP` or nil.
    public let compressionAlgorithm: String?

    enum CodingKeys: String, CodingKey { case feedDocumentID = "feedDocumentId", url, compressionAlgorithm }

    /// A download target from parts.
    public init(feedDocumentID: String, url: URL, compressionAlgorithm: String?) {
        self.feedDocumentID = feedDocumentID
        self.url = url
        self.compressionAlgorithm = compressionAlgorithm
    }

    /// The id and compression, never the URL.
    public var description: String { "feed document \(feedDocumentID)\(compressionAlgorithm.map { " (\($0))" } ?? "")" }
}

/// What `submitFeed` did: the input document and the feed created from it.
public struct SubmittedFeed: Sendable, Equatable {
    /// The uploaded input document.
    public let feedDocumentID: String
    /// The feed created from it; poll it with `getFeed`.
    public let feedID: String
}
