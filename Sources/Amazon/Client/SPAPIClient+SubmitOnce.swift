import Foundation

/// A feed submission for feeds that must be sent at most once (refunds).
extension SPAPIClient {
    /// Takes the whole submission's quota first (as `submitFeed` does), creates
    /// the document and uploads it, then calls `record` with the document id
    /// *before* sending `createFeed`, so the caller's row says "a feed may now
    /// exist" before Amazon can hold one. Errors say on which side of that
    /// line they happened (`FeedSubmissionError`).
    public func submitFeedOnce(
        _ bytes: Data, feedType: String, contentType: String,
        record: (FeedDocumentUpload) async throws -> Void
    ) async throws(FeedSubmissionError) -> SubmittedFeed {
        let document: FeedDocumentUpload
        do {
            try await takeRateLimit(
                createFeedLimits(feedType: feedType) + [SPAPIOperation.createFeedDocument.rateLimit(settings: account.settings)],
                target: "createFeed")
            document = try await createFeedDocument(contentType: contentType, limited: false)
            try await upload(bytes, to: document)
        } catch {
            throw .beforeCreateFeed(error)
        }
        do { try await record(document) } catch { throw .recording(error) }
        do {
            let feedID = try await createFeed(
                feedType: feedType, inputFeedDocumentID: document.feedDocumentID, marketplaceIDs: nil, limited: false)
            return SubmittedFeed(feedDocumentID: document.feedDocumentID, feedID: feedID)
        } catch {
            switch error {
            case .rejected, .throttled, .accessDenied, .credentialsRejected, .rateLimiterUnavailable:
                throw .createFeedRefused(error)
            case .httpStatus, .unreadable, .transport, .notGzip: throw .outcomeUnknown(error)
            }
        }
    }
}
