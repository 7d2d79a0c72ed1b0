import Foundation
import Gzip
import HTTPClient
import JobQueue
import Logging

/// The Feeds API 2021-06-30 flow for one Amazon account: create a feed
/// document, PUT the feed to its pre-signed URL, create the feed, poll it, and
/// fetch and gunzip its processing report.
///
/// Every SP-API call takes a token from the account's shared rate limit first
/// (`RateLimiter`, in PostgreSQL), sends the LWA access token as
/// `x-amz-access-token`, and on a 401/403 refreshes the token once and repeats
/// the call once. Failures are `AmazonError`s; `error.jobError` is the job outcome.
public struct SPAPIClient: Sendable {
    /// The Feeds API version path.
    public static let feedsPath = "/feeds/2021-06-30"
    /// The Content-Type of a JSON_LISTINGS_FEED document.
    public static let jsonContentType = "application/json; charset=UTF-8"

    /// The account every call is made for.
    public let account: AmazonAccount
    let http: any HTTPClient
    let tokens: LWATokenProvider
    let rateLimiter: RateLimiter?
    let timeout: Duration
    /// Debug lines per call (operation, status, milliseconds); never a header, token or query.
    let logger: Logger?
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - tokens: the worker-wide token cache; tests pass their own.
    ///   - rateLimiter: the shared limiter; nil only where no quota applies (a local simulator in a unit test).
    public init(
        account: AmazonAccount, http: any HTTPClient, tokens: LWATokenProvider = .shared,
        rateLimiter: RateLimiter?, timeout: Duration = .seconds(60), logger: Logger? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.account = account
        self.http = http
        self.tokens = tokens
        self.rateLimiter = rateLimiter
        self.timeout = timeout
        self.logger = logger
        self.now = now
    }

    /// The client a handler uses: the job's account (decoded; a bad one is a
    /// permanent error naming the key), its HTTP client and logger, the
    /// worker-wide token cache, and the rate limiter on the job's database.
    public init(context: JobContext, tokens: LWATokenProvider = .shared, timeout: Duration = .seconds(60)) throws(JobError) {
        let account = try AmazonAccount(try context.requireAccount(marketplace: "amazon"))
        var logger = context.logger
        logger[metadataKey: "account_id"] = "\(account.id)"
        self.init(
            account: account, http: context.http, tokens: tokens,
            rateLimiter: RateLimiter(database: context.database, now: context.now), timeout: timeout,
            logger: logger, now: context.now)
    }

    /// `createFeedDocument`: a document id and the pre-signed URL to upload to.
    public func createFeedDocument(contentType: String = jsonContentType) async throws(AmazonError) -> FeedDocumentUpload {
        try await createFeedDocument(contentType: contentType, limited: true)
    }

    func createFeedDocument(contentType: String, limited: Bool) async throws(AmazonError) -> FeedDocumentUpload {
        struct Answer: Decodable { let feedDocumentId: String; let url: String }
        let answer: Answer = try await call(
            .createFeedDocument, method: "POST", path: "\(Self.feedsPath)/documents",
            body: ["contentType": contentType], rateLimited: limited)
        guard let url = URL(string: answer.url), url.scheme != nil else {
            throw .unreadable(
                account: account.label, target: "POST \(Self.feedsPath)/documents", status: 201,
                reason: "a url that is not a URL", snippet: String(answer.url.prefix(40)))
        }
        return FeedDocumentUpload(feedDocumentID: answer.feedDocumentId, url: url, contentType: contentType)
    }

    /// PUTs the feed bytes to the pre-signed URL, with the document's Content-Type and no auth header.
    public func upload(_ bytes: Data, to document: FeedDocumentUpload) async throws(AmazonError) {
        let request = HTTPRequest(
            method: "PUT", url: document.url, headers: ["Content-Type": document.contentType],
            body: bytes, timeout: timeout)
        let response = try await send(request)
        guard response.isSuccess else {
            // An expired URL (403) is fixed by a new document, which a retry creates.
            throw .httpStatus(
                account: account.label, target: request.redactedTarget, status: response.status,
                message: "upload of \(document) refused with HTTP \(response.status): \(snippet(response))")
        }
    }

    /// `createFeed`: returns the feed id. Takes the operation's token and, for
    /// JSON_LISTINGS_FEED, one of the 5 submissions per 5 minutes.
    public func createFeed(
        feedType: String = "JSON_LISTINGS_FEED", inputFeedDocumentID: String,
        marketplaceIDs: [String]? = nil
    ) async throws(AmazonError) -> String {
        try await createFeed(
            feedType: feedType, inputFeedDocumentID: inputFeedDocumentID, marketplaceIDs: marketplaceIDs,
            limited: true)
    }

    /// `getFeed`.
    public func getFeed(_ feedID: String) async throws(AmazonError) -> Feed {
        try await call(
            .getFeed, method: "GET", path: "\(Self.feedsPath)/feeds/\(Self.segment(feedID))", body: nil as [String: String]?)
    }

    /// `getFeedDocument`: where a (result) document can be downloaded.
    public func getFeedDocument(_ feedDocumentID: String) async throws(AmazonError) -> FeedDocument {
        try await call(
            .getFeedDocument, method: "GET", path: "\(Self.feedsPath)/documents/\(Self.segment(feedDocumentID))",
            body: nil as [String: String]?)
    }

    /// Downloads a document, gunzipping it when `compressionAlgorithm` is GZIP.
    /// A body that does not inflate is `.notGzip`, carrying the raw bytes.
    public func download(_ document: FeedDocument, limit: Int = 1 << 30) async throws(AmazonError) -> Data {
        let request = HTTPRequest(method: "GET", url: document.url, timeout: timeout)
        let response = try await send(request)
        guard response.isSuccess else {
            throw .httpStatus(
                account: account.label, target: request.redactedTarget, status: response.status,
                message: "download of \(document) refused with HTTP \(response.status): \(snippet(response))")
        }
        guard document.compressionAlgorithm?.uppercased() == "GZIP" else { return response.body }
        do {
            return try Gzip.decompress(response.body, limit: limit)
        } catch {
            throw .notGzip(account: account.label, documentID: document.feedDocumentID, error: error, raw: response.body)
        }
    }

    /// The whole submission: takes the quota of all of it at once (the
    /// submission window, createFeed's and createFeedDocument's buckets; all or
    /// none), so a throttled submission wastes neither a document nor a slot;
    /// then creates the document, uploads and creates the feed.
    public func submitFeed(
        _ bytes: Data, feedType: String = "JSON_LISTINGS_FEED", contentType: String = jsonContentType,
        marketplaceIDs: [String]? = nil
    ) async throws(AmazonError) -> SubmittedFeed {
        try await takeRateLimit(
            createFeedLimits(feedType: feedType) + [SPAPIOperation.createFeedDocument.rateLimit(settings: account.settings)],
            target: "createFeed")
        let document = try await createFeedDocument(contentType: contentType, limited: false)
        try await upload(bytes, to: document)
        let feedID = try await createFeed(
            feedType: feedType, inputFeedDocumentID: document.feedDocumentID,
            marketplaceIDs: marketplaceIDs, limited: false)
        return SubmittedFeed(feedDocumentID: document.feedDocumentID, feedID: feedID)
    }

    /// `getFeedDocument` then `download`: the report's bytes, gunzipped.
    public func downloadReport(feedDocumentID: String) async throws(AmazonError) -> Data {
        try await download(try await getFeedDocument(feedDocumentID))
    }

    func createFeed(
        feedType: String, inputFeedDocumentID: String, marketplaceIDs: [String]?,
        limited: Bool
    ) async throws(AmazonError) -> String {
        struct Specification: Encodable { let feedType: String; let marketplaceIds: [String]; let inputFeedDocumentId: String }
        struct Answer: Decodable { let feedId: String }
        if limited { try await takeRateLimit(createFeedLimits(feedType: feedType), target: "createFeed") }
        let answer: Answer = try await call(
            .createFeed, method: "POST", path: "\(Self.feedsPath)/feeds",
            body: Specification(
                feedType: feedType, marketplaceIds: marketplaceIDs ?? account.settings.marketplaceIDs,
                inputFeedDocumentId: inputFeedDocumentID),
            rateLimited: false)
        return answer.feedId
    }

    func createFeedLimits(feedType: String) -> [RateLimit] {
        [
            SPAPIOperation.feedSubmissionLimit(feedType: feedType, settings: account.settings),
            SPAPIOperation.createFeed.rateLimit(settings: account.settings),
        ].compactMap { $0 }
    }

    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
