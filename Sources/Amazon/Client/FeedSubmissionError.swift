/// Why a submission that must never be repeated (a refund) failed, split at
/// the point of no return: before `createFeed` was sent Amazon cannot hold a
/// feed, so a retry is safe; once it was sent and no answer came, Amazon may
/// hold one and only a person can tell.
public enum FeedSubmissionError: Error, Sendable {
    /// The rate limit, the document or the upload failed: no feed exists.
    case beforeCreateFeed(AmazonError)
    /// `createFeed` was refused (4xx, 429): no feed exists.
    case createFeedRefused(AmazonError)
    /// `createFeed` was sent, but no answer was read (timeout, 5xx, garbage): a feed may exist.
    case outcomeUnknown(AmazonError)
    /// The caller's own step before `createFeed` (recording the document) failed.
    case recording(any Error)

    /// The underlying error's description.
    public var description: String {
        switch self {
        case .beforeCreateFeed(let error), .createFeedRefused(let error), .outcomeUnknown(let error): return error.description
        case .recording(let error): return String(describing: error)
        }
    }
}
