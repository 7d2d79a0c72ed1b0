import Foundation
import Gzip

/// The Amazon simulator's mutable state: issued tokens, documents, feeds, the
/// listing store, faults and counters. An actor, because FlyingFox serves each
/// connection in its own task.
actor AmazonSimulatorState {
    /// A stored document: an uploaded feed or a processing report.
    struct Document {
        let id: String
        let contentType: String
        let signature: String
        let createdAt: Date
        var bytes: Data?
        /// Reports are stored gzipped, as Amazon serves them.
        let isReport: Bool
    }

    enum Fault { case internalError, tooManyRequests(limit: String?), html, malformedJSON, accessDenied }
    enum Authorisation { case ok, missing, unknown, expired }

    private(set) var configuration: AmazonSimulatorConfiguration
    private(set) var faults: AmazonFaults
    private(set) var skuIssues: [AmazonSKUIssue] = []
    private(set) var stats = AmazonSimulatorStats()
    private(set) var listings: [String: AmazonListing] = [:]
    private var tokens: [String: Date] = [:]
    /// Internal, not private: the XML feeds (`AmazonSimulatorState+Orders.swift`) store their reports here too.
    var documents: [String: Document] = [:]
    var feeds: [String: AmazonSimulatedFeed] = [:]
    private var feedOrder: [String] = []
    private var nextFeedNumber = 50_001
    /// Orders, searches and acknowledgements (`AmazonSimulatorState+Orders.swift`).
    var orderBook = AmazonOrderBook()
    /// Packages, adjustments and settlement reports (`AmazonSalesLedger`).
    var sales = AmazonSalesLedger()

    init(configuration: AmazonSimulatorConfiguration, faults: AmazonFaults) {
        self.configuration = configuration
        self.faults = faults
    }

    func setFaults(_ faults: AmazonFaults) { self.faults = faults }
    func setSKUIssues(_ issues: [AmazonSKUIssue]) { skuIssues = issues }
    func setProcessingDelay(milliseconds: Int) { configuration.processingDelayMilliseconds = max(0, milliseconds) }
    func setPollsPerStage(_ polls: Int) { configuration.pollsPerStage = max(0, polls) }
    func setTokenLifetime(seconds: Int) { configuration.tokenLifetimeSeconds = max(1, seconds) }
    func resetStats() { stats = AmazonSimulatorStats() }

    // MARK: Login with Amazon

    enum TokenOutcome { case issued(token: String, lifetime: Int), serverError, invalidClient, invalidGrant, unsupportedGrant }

    func issueToken(form: [String: String]) -> TokenOutcome {
        if faults.tokenErrors > 0 { faults.tokenErrors -= 1; stats.faultsServed += 1; return .serverError }
        guard form["grant_type"] == "refresh_token" else { stats.tokenRequestsRefused += 1; return .unsupportedGrant }
        guard form["client_id"] == configuration.clientID, form["client_secret"] == configuration.clientSecret else {
            stats.tokenRequestsRefused += 1
            return .invalidClient
        }
        guard form["refresh_token"] == configuration.refreshToken else { stats.tokenRequestsRefused += 1; return .invalidGrant }
        let token = "Atza|" + Self.randomHex(48)
        tokens[token] = Date().addingTimeInterval(TimeInterval(configuration.tokenLifetimeSeconds))
        stats.tokensIssued += 1
        return .issued(token: token, lifetime: configuration.tokenLifetimeSeconds)
    }

    func authorise(_ token: String?) -> Authorisation {
        let outcome: Authorisation
        if let token, !token.isEmpty {
            if let expiry = tokens[token] { outcome = expiry > Date() ? .ok : .expired } else { outcome = .unknown }
        } else {
            outcome = .missing
        }
        if outcome != .ok { stats.unauthorized += 1 }
        return outcome
    }

    /// Every issued token stops working now, as if its hour had passed.
    func expireTokens() {
        let past = Date().addingTimeInterval(-1)
        for key in tokens.keys { tokens[key] = past }
    }

    /// Every access token issued so far (for secrecy tests to grep for).
    func issuedTokens() -> [String] { Array(tokens.keys) }

    // MARK: Faults

    func nextFault(operation: String) -> (fault: Fault?, delay: Int) {
        stats.operations[operation, default: 0] += 1
        var fault: Fault?
        if faults.afterRequests > 0 {
            faults.afterRequests -= 1
        } else if faults.internalErrors > 0 {
            faults.internalErrors -= 1; fault = .internalError
        } else if faults.tooManyRequests > 0 {
            faults.tooManyRequests -= 1; fault = .tooManyRequests(limit: faults.rateLimitLimit)
        } else if faults.htmlPages > 0 {
            faults.htmlPages -= 1; fault = .html
        } else if faults.malformedJSON > 0 {
            faults.malformedJSON -= 1; fault = .malformedJSON
        } else if faults.accessDenied > 0 {
            faults.accessDenied -= 1; fault = .accessDenied
        }
        if fault != nil { stats.faultsServed += 1 }
        return (fault, faults.delayMilliseconds)
    }

    /// How long to hold the answer of an `operation` that was carried out
    /// (0: answer at once), counting down `slowResponses`.
    func takeSlowResponse(operation: String) -> Int {
        guard faults.slowResponses > 0, faults.slowOperation == nil || faults.slowOperation == operation else { return 0 }
        faults.slowResponses -= 1
        stats.faultsServed += 1
        return faults.slowMilliseconds
    }

    // MARK: Documents

    func createDocument(contentType: String) -> Document {
        let document = Document(
            id: "amzn1.tortuga.4.na." + UUID().uuidString.lowercased(), contentType: contentType,
            signature: Self.randomHex(32), createdAt: Date(), bytes: nil, isReport: false)
        documents[document.id] = document
        return document
    }

    enum StorageOutcome { case ok(Data?), notFound, badSignature, expired, refused(String) }

    func upload(id: String, signature: String?, contentType: String?, carriesAuth: Bool, bytes: Data) -> StorageOutcome {
        guard var document = documents[id], !document.isReport else { return .notFound }
        if let failure = check(document, signature: signature) { return failure }
        if carriesAuth {
            stats.refusedUploads += 1
            return .refused("a pre-signed upload must not carry an Authorization or x-amz-access-token header")
        }
        guard Self.sameContentType(contentType, document.contentType) else {
            stats.refusedUploads += 1
            return .refused(
                "Content-Type '\(contentType ?? "")' is not the '\(document.contentType)' the document was created with")
        }
        document.bytes = bytes
        documents[id] = document
        stats.uploads += 1
        return .ok(nil)
    }

    func download(id: String, signature: String?) -> StorageOutcome {
        guard let document = documents[id] else { return .notFound }
        if let failure = check(document, signature: signature) { return failure }
        stats.downloads += 1
        if document.isReport && faults.garbageReports > 0 {
            faults.garbageReports -= 1
            stats.faultsServed += 1
            return .ok(Data("PK\u{3}\u{4} this is not a gzip stream, just bytes a broken proxy might serve".utf8))
        }
        return .ok(document.bytes ?? Data())
    }

    func document(id: String) -> Document? { documents[id] }

    private func check(_ document: Document, signature: String?) -> StorageOutcome? {
        guard signature == document.signature else { return .badSignature }
        if Date().timeIntervalSince(document.createdAt) > TimeInterval(configuration.presignedURLLifetimeSeconds)
            && !document.isReport
        {
            return .expired
        }
        return nil
    }

    static func sameContentType(_ a: String?, _ b: String) -> Bool {
        let normal = { (text: String) in text.lowercased().replacingOccurrences(of: " ", with: "") }
        return a.map(normal) == normal(b)
    }

    // MARK: Feeds

    enum FeedCreation { case created(String), invalid(String) }

    func createFeed(feedType: String, marketplaceIDs: [String], inputFeedDocumentID: String) -> FeedCreation {
        guard !marketplaceIDs.isEmpty else { return .invalid("marketplaceIds must hold at least one marketplace id.") }
        guard let document = documents[inputFeedDocumentID], !document.isReport else {
            return .invalid("Unknown inputFeedDocumentId \(inputFeedDocumentID).")
        }
        guard document.bytes != nil else {
            return .invalid("The feed document \(inputFeedDocumentID) has no content; upload it before calling createFeed.")
        }
        let id = String(nextFeedNumber)
        nextFeedNumber += 1
        feeds[id] = AmazonSimulatedFeed(
            feedID: id, feedType: feedType, marketplaceIDs: marketplaceIDs,
            inputFeedDocumentID: inputFeedDocumentID, createdAt: Date(), processingStatus: "IN_QUEUE")
        feedOrder.append(id)
        return .created(id)
    }

    /// One feed as `getFeed` sees it, counting the poll, after moving every feed along.
    func feed(id: String) -> AmazonSimulatedFeed? {
        feeds[id]?.polls += 1
        advance()
        return feeds[id]
    }

    func allFeeds() -> [AmazonSimulatedFeed] {
        advance()
        return feedOrder.compactMap { feeds[$0] }
    }

    func allListings() -> [AmazonListing] {
        advance()
        return listings.values.sorted { $0.sku < $1.sku }
    }

    func listing(sku: String) -> AmazonListing? {
        advance()
        return listings[sku]
    }

    /// The report of a processed feed, decoded (for tests).
    func report(feedID: String) -> AmazonProcessingReport? {
        advance()
        guard let id = feeds[feedID]?.resultFeedDocumentID, let bytes = documents[id]?.bytes,
            let json = try? Gzip.decompress(bytes)
        else { return nil }
        return try? JSONDecoder().decode(AmazonProcessingReport.self, from: json)
    }

    /// Moves feeds through IN_QUEUE → IN_PROGRESS → DONE/FATAL by their age,
    /// processing them in creation order, as Amazon applies a seller's feeds in turn.
    func advance() {
        let delay = TimeInterval(configuration.processingDelayMilliseconds) / 1000
        let now = Date()
        for id in feedOrder {
            guard var feed = feeds[id], feed.processedAt == nil else { continue }
            let stage = configuration.pollsPerStage
            if stage > 0 {
                // By polls: each feed on its own count.
                if feed.polls <= stage { continue }
                if feed.polls <= 2 * stage {
                    feed.processingStatus = "IN_PROGRESS"
                    feeds[id] = feed
                    continue
                }
            } else {
                let age = now.timeIntervalSince(feed.createdAt)
                if age < delay / 2 { break }
                if age < delay {
                    feed.processingStatus = "IN_PROGRESS"
                    feeds[id] = feed
                    break
                }
            }
            // XML feeds (orders: acknowledgements, adjustments) have their own processing.
            if feed.feedType == AmazonAdjustmentProcessor.feedType {
                settleAdjustmentFeed(&feed, now: now)
                feeds[id] = feed
                continue
            }
            if feed.feedType != "JSON_LISTINGS_FEED", settleXMLFeed(&feed, now: now) {
                feeds[id] = feed
                continue
            }
            var processor = AmazonFeedProcessor(sellerID: configuration.sellerID, skuIssues: skuIssues, listings: listings)
            let outcome = processor.process(document: documents[feed.inputFeedDocumentID]?.bytes ?? Data(), feedID: id)
            listings = processor.listings
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let json = (try? encoder.encode(outcome.report)) ?? Data("{}".utf8)
            let report = Document(
                id: "amzn1.tortuga.4.na.report." + UUID().uuidString.lowercased(),
                contentType: "application/json", signature: Self.randomHex(32), createdAt: now,
                bytes: (try? Gzip.compress(json)) ?? json, isReport: true)
            documents[report.id] = report
            feed.processingStatus = outcome.fatal ? "FATAL" : "DONE"
            feed.resultFeedDocumentID = report.id
            feed.processedAt = now
            feed.summary = outcome.report.summary
            feeds[id] = feed
        }
    }

    static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &generator)! })
    }
}
