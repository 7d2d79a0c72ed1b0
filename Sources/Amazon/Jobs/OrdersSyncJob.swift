import Foundation
import JobQueue

/// `amazon.orders_sync`: downloads an account's orders with `searchOrders`,
/// one page per job. Automatic runs (no `manual`) walk a window from the
/// watermark minus an overlap to now minus 2 minutes (Amazon refuses a later
/// end); each page is stored in the transaction that saves the next page's
/// token and enqueues the next page's job, and the last page advances the
/// watermark to the window's end in the same way. A run killed anywhere
/// resumes from the saved token: no page skipped, none applied twice (each
/// page is checked against the state it was fetched for, so two runs of one
/// account never both move it). Manual runs (`jobctl amazon orders`) carry
/// their window and token in the payload and never touch the watermark.
public struct OrdersSyncJob: JobHandler {
    public static let jobType = "amazon.orders_sync"
    public static var requiresAccount: Bool { true }

    public struct Payload: Codable, Sendable {
        /// The marketplace; absent: the account's first, and a job each for the others.
        public var marketplaceID: String?
        /// Seconds the window reaches back before the watermark (default 600).
        public var overlapSeconds: Int?
        /// How far back the first window reaches (default 30 days).
        public var firstSyncDays: Int?
        /// `maxResultsPerPage` (1…100, default 100).
        public var pageSize: Int?
        /// A manual run's window and position; absent: the automatic download.
        public var manual: ManualRun?
        /// Set on the jobs a page enqueues for the next page. A job without it
        /// (a scheduled run) leaves a window in progress to its chain while the
        /// chain has a job pending or running.
        public var chained: Bool?
        enum CodingKeys: String, CodingKey {
            case marketplaceID = "marketplace_id", overlapSeconds = "overlap_seconds", firstSyncDays = "first_sync_days"
            case pageSize = "page_size", manual, chained
        }
    }

    /// Where a manual run stands; the next page's job carries the next one.
    public struct ManualRun: Codable, Sendable {
        /// `last_updated` (`--since`) or `created` (`--all`).
        public var basis: OrderSearch.Basis
        /// ISO 8601 start.
        public var after: String
        /// ISO 8601 end (at least 2 minutes before the run began).
        public var before: String
        /// The page's token; absent on the first page.
        public var token: String?
        /// This page's number, from 1.
        public var page: Int?
        /// Orders received on earlier pages.
        public var ordersSoFar: Int?
        enum CodingKeys: String, CodingKey {
            case basis, after, before, token, page, ordersSoFar = "orders_so_far"
        }
    }

    public struct Result: Codable, Sendable {
        public var mode: String
        public var marketplaceID: String
        public var page: Int
        public var windowFrom: String?
        public var windowTo: String?
        public var orders: OrderPageOutcome
        public var ordersSoFar: Int
        /// The next page's job; nil after the last page.
        public var nextJob: Int64?
        /// The window is done (the watermark moved, for an automatic run).
        public var finished: Bool
        /// Another run had moved the state first; this page was not applied.
        public var superseded: Bool
        /// Jobs enqueued for the account's other marketplaces.
        public var otherMarketplaceJobs: [Int64]
        enum CodingKeys: String, CodingKey {
            case mode, marketplaceID = "marketplace_id", page, windowFrom = "window_from", windowTo = "window_to"
            case orders, ordersSoFar = "orders_so_far", nextJob = "next_job", finished, superseded
            case otherMarketplaceJobs = "other_marketplace_jobs"
        }
    }

    /// Amazon wants `lastUpdatedBefore`/`createdBefore` at least two minutes old; 5 s more for clock skew.
    public static let settleSeconds: TimeInterval = 125

    public init() {}

    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let marketplace = payload.marketplaceID ?? account.settings.marketplaceIDs[0]
        guard account.settings.marketplaceIDs.contains(marketplace) else {
            throw JobError.permanent(
                "marketplace_id \(marketplace) is not one of \(account.label)'s marketplace_ids "
                    + account.settings.marketplaceIDs.joined(separator: ", "))
        }
        let pageSize = payload.pageSize ?? 100
        guard (1...100).contains(pageSize) else { throw JobError.permanent("page_size must be 1…100, got \(pageSize)") }
        let store = OrderStore(database: context.database)
        var others: [Int64] = []
        if payload.marketplaceID == nil && (payload.manual?.page ?? 1) == 1 {
            others = try await fanOut(payload, account: account, context: context)
        }
        var result: Result
        if let manual = payload.manual {
            result = try await runManual(manual, payload, marketplace, pageSize, account, store, context)
        } else {
            result = try await runAutomatic(payload, marketplace, pageSize, account, store, context)
        }
        result.otherMarketplaceJobs = others
        context.logger.info(
            "amazon orders page stored",
            metadata: [
                "marketplace_id": "\(marketplace)", "page": "\(result.page)", "received": "\(result.orders.received)",
                "inserted": "\(result.orders.inserted)", "updated": "\(result.orders.updated)",
                "finished": "\(result.finished)", "superseded": "\(result.superseded)",
            ])
        return result
    }

    private func runAutomatic(
        _ payload: Payload, _ marketplace: String, _ pageSize: Int, _ account: AmazonAccount, _ store: OrderStore,
        _ context: JobContext
    ) async throws -> Result {
        let state = try await store.state(accountID: account.id, marketplaceID: marketplace)
        let from: Date
        let to: Date
        if state.inProgress, let windowFrom = state.windowFrom, let windowTo = state.windowTo {
            (from, to) = (windowFrom, windowTo)
        } else {
            to = Date(timeIntervalSince1970: (context.now().timeIntervalSince1970 - Self.settleSeconds).rounded(.down))
            let overlap = TimeInterval(payload.overlapSeconds ?? 600)
            from =
                state.watermark.map { $0.addingTimeInterval(-overlap) }
                ?? to.addingTimeInterval(-TimeInterval(payload.firstSyncDays ?? 30) * 86_400)
        }
        let page = state.inProgress ? state.pages + 1 : 1
        let chain = "amazon.orders_sync:\(account.id):\(marketplace)"
        if state.inProgress, payload.chained != true, try await store.chainBusy(uniqueKey: chain, excluding: context.jobID) {
            // The chain's own next-page job will fetch this page.
            return Result(
                mode: "automatic", marketplaceID: marketplace, page: page, windowFrom: OrderSearch.iso(from),
                windowTo: OrderSearch.iso(to), orders: OrderPageOutcome(), ordersSoFar: state.ordersSeen, nextJob: nil,
                finished: false, superseded: true, otherMarketplaceJobs: [])
        }
        context.progress(done: state.inProgress ? state.ordersSeen : 0, phase: "page \(page)")
        let search = OrderSearch(
            basis: .lastUpdated, after: min(from, to), before: to, marketplaceIDs: [marketplace], pageSize: pageSize,
            paginationToken: state.inProgress ? state.paginationToken : nil)
        let client = AmazonJobSupport.client(account, context)
        let answer: OrdersPage
        do {
            answer = try await client.searchOrders(search)
        } catch {
            if case .rejected = error, state.inProgress,
                try await store.abandonWindow(accountID: account.id, marketplaceID: marketplace, expected: state)
            {
                // A refused page token (expired after 24 hours): the next attempt starts a new window
                // from the watermark, which never moved, so nothing is skipped.
                throw JobError.retryable("\(error.description); the saved page token was dropped and the window starts again")
            }
            throw error.jobError
        }
        var next: OrderStore.NextJob?
        if answer.nextToken != nil {
            var nextPayload = payload
            nextPayload.marketplaceID = marketplace
            nextPayload.chained = true
            next = OrderStore.NextJob(
                payload: String(decoding: try JSONEncoder().encode(nextPayload), as: UTF8.self),
                uniqueKey: chain)
        }
        let move: OrderStore.StateMove =
            answer.nextToken.map { .nextPage(windowFrom: from, windowTo: to, token: $0) }
            ?? .finish(windowFrom: from, windowTo: to)
        let stored = try await store.applyPage(
            accountID: account.id, marketplaceID: marketplace, ordersJSON: try answer.ordersJSON(), jobID: context.jobID,
            expected: state, move: move, next: next)
        let soFar = (state.inProgress ? state.ordersSeen : 0) + stored.outcome.received
        context.progress(done: soFar, phase: stored.nextJob == nil ? "done after page \(page)" : "page \(page) stored")
        return Result(
            mode: "automatic", marketplaceID: marketplace, page: page, windowFrom: OrderSearch.iso(from),
            windowTo: OrderSearch.iso(to), orders: stored.outcome, ordersSoFar: soFar, nextJob: stored.nextJob,
            finished: stored.applied && answer.nextToken == nil, superseded: !stored.applied, otherMarketplaceJobs: [])
    }

    private func runManual(
        _ manual: ManualRun, _ payload: Payload, _ marketplace: String, _ pageSize: Int, _ account: AmazonAccount,
        _ store: OrderStore, _ context: JobContext
    ) async throws -> Result {
        guard let after = Self.date(manual.after), let before = Self.date(manual.before), after <= before else {
            throw JobError.permanent(
                "manual.after and manual.before must be ISO 8601 times with after <= before, got \(manual.after) and \(manual.before)"
            )
        }
        let page = manual.page ?? 1
        context.progress(done: manual.ordersSoFar ?? 0, phase: "page \(page)")
        let search = OrderSearch(
            basis: manual.basis, after: after, before: before, marketplaceIDs: [marketplace], pageSize: pageSize,
            paginationToken: manual.token)
        let client = AmazonJobSupport.client(account, context)
        let answer = try await AmazonJobSupport.call { () async throws(AmazonError) in try await client.searchOrders(search) }
        let soFar = (manual.ordersSoFar ?? 0) + answer.orders.count
        var next: OrderStore.NextJob?
        if let token = answer.nextToken {
            var nextPayload = payload
            nextPayload.marketplaceID = marketplace
            nextPayload.manual = ManualRun(
                basis: manual.basis, after: manual.after, before: manual.before, token: token, page: page + 1,
                ordersSoFar: soFar)
            next = OrderStore.NextJob(
                payload: String(decoding: try JSONEncoder().encode(nextPayload), as: UTF8.self),
                uniqueKey: "amazon.orders_sync:manual:\(account.id):\(marketplace):\(page + 1)")
        }
        let stored = try await store.applyPage(
            accountID: account.id, marketplaceID: marketplace, ordersJSON: try answer.ordersJSON(), jobID: context.jobID,
            expected: nil, move: nil, next: next)
        context.progress(done: soFar, phase: stored.nextJob == nil ? "done after page \(page)" : "page \(page) stored")
        return Result(
            mode: "manual", marketplaceID: marketplace, page: page, windowFrom: manual.after, windowTo: manual.before,
            orders: stored.outcome, ordersSoFar: soFar, nextJob: stored.nextJob, finished: answer.nextToken == nil,
            superseded: false, otherMarketplaceJobs: [])
    }

    /// One job per other marketplace of the account, with the same options.
    /// A run that is retried (a 429, a lost lease) fans out only once: a job
    /// of the chain that is newer than this one came from an earlier attempt
    /// (or from the chain itself), and a second one would spend a scarce
    /// `searchOrders` call on a window that was just downloaded. The chain's
    /// jobs carry the account, so the lookup walks that account's jobs by
    /// `(account_id, id)` rather than every newer row of the table.
    private func fanOut(_ payload: Payload, account: AmazonAccount, context: JobContext) async throws -> [Int64] {
        var jobs: [Int64] = []
        for marketplace in account.settings.marketplaceIDs.dropFirst() {
            var other = payload
            other.marketplaceID = marketplace
            let key =
                payload.manual == nil
                ? "amazon.orders_sync:\(account.id):\(marketplace)" : "amazon.orders_sync:manual:\(account.id):\(marketplace):1"
            let row = try await context.database.query(
                """
                SELECT coalesce(
                    (SELECT min(id) FROM marketplace_job WHERE account_id = $2 AND id > $4 AND unique_key = $3),
                    marketplace_enqueue('amazon.orders_sync', $1::jsonb, account_id => $2,
                                        name => 'Download Amazon orders', unique_key => $3)) AS id
                """,
                [String(decoding: try JSONEncoder().encode(other), as: UTF8.self), account.id, key, context.jobID])
            jobs.append(try row.first!.decode(Int64.self, "id"))
        }
        return jobs
    }

    static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date(text, strategy: .iso8601))
    }
}
