import Foundation

/// The answer to `createFeedDocument`: where to PUT the feed bytes. The URL is
/// pre-signed (its query is a signature) and expires after 5 minutes; it is
/// never printed, only its path.
public struct FeedDocumentUpload: Sendable, Equatable, CustomStringConvertible {
    public let feedDocumentID: String
    public let url: URL
    /// The Content-Type given to `createFeedDocument`; the PUT must send the same.
    public let contentType: String

    public init(feedDocumentID: String, url: URL, contentType: String) {
        self.feedDocumentID = feedDocumentID
        self.url = url
        self.contentType = contentType
    }

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
    public let feedID: String
    public let feedType: String
    public let marketplaceIDs: [String]?
    /// ISO 8601 text as Amazon sent it.
    public let createdTime: String
    public let processingStatus: FeedProcessingStatus
    public let processingStartTime: String?
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
    public let feedDocumentID: String
    public let url: URL
    /// `GZIP` or nil.
    public let compressionAlgorithm: String?

    enum CodingKeys: String, CodingKey { case feedDocumentID = "feedDocumentId", url, compressionAlgorithm }

    public init(feedDocumentID: String, url: URL, compressionAlgorithm: String?) {
        self.feedDocumentID = feedDocumentID
        self.url = url
        self.compressionAlgorithm = compressionAlgorithm
    }

    public var description: String { "feed document \(feedDocumentID)\(compressionAlgorithm.map { " (\($0))" } ?? "")" }
}

/// What `submitFeed` did: the input document and the feed created from it.
public struct SubmittedFeed: Sendable, Equatable {
    public let feedDocumentID: String
    public let feedID: String
}
