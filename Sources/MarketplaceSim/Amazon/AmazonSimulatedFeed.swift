import Foundation

/// A feed as the simulator keeps it: its document, its progress and, once
/// processed, its report document.
public struct AmazonSimulatedFeed: Sendable, Codable, Equatable {
    public var feedID: String
    public var feedType: String
    public var marketplaceIDs: [String]
    public var inputFeedDocumentID: String
    public var createdAt: Date
    /// IN_QUEUE, IN_PROGRESS, DONE or FATAL.
    public var processingStatus: String
    public var resultFeedDocumentID: String?
    public var processedAt: Date?
    public var summary: AmazonProcessingReport.Summary?

    enum CodingKeys: String, CodingKey {
        case feedID = "feedId", feedType, marketplaceIDs = "marketplaceIds", inputFeedDocumentID = "inputFeedDocumentId"
        case createdAt, processingStatus, resultFeedDocumentID = "resultFeedDocumentId", processedAt, summary
    }
}
