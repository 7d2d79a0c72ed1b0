import Foundation

/// A feed as the simulator keeps it: its document, its progress and, once
/// processed, its report document.
public struct AmazonSimulatedFeed: Sendable, Codable, Equatable {
    /// The feed id, as createFeed returned it.
    public var feedID: String
    /// e.g. `JSON_LISTINGS_FEED`.
    public var feedType: String
    /// As given to createFeed.
    public var marketplaceIDs: [String]
    /// The uploaded document.
    public var inputFeedDocumentID: String
    /// When createFeed was called.
    public var createdAt: Date
    /// `getFeed` calls for this feed so far.
    public var polls = 0
    /// IN_QUEUE, IN_PROGRESS, DONE or FATAL.
    public var processingStatus: String
    /// The report document, once processed.
    public var resultFeedDocumentID: String?
    /// When it was processed.
    public var processedAt: Date?
    /// The report's counts, once processed.
    public var summary: AmazonProcessingReport.Summary?

    enum CodingKeys: String, CodingKey {
        case feedID = "feedId", feedType, marketplaceIDs = "marketplaceIds", inputFeedDocumentID = "inputFeedDocumentId"
        case createdAt, polls, processingStatus, resultFeedDocumentID = "resultFeedDocumentId", processedAt, summary
    }
}
