import Foundation
import JobQueue
import Logging

/// `zortout.pull_stock`: sets `stock_quant` from Zortout's stock, the guide's
/// "Pull Stock". Pages the catalogue (or searches a short `sku_list` SKU by
/// SKU), matches items to `product.default_code` exactly, and writes each page
/// in its own transaction, so a failure midway leaves whole pages and a retry
/// (which starts over, writing only what differs) finishes the job.
public struct PullStockJob: JobHandler {
    public static let jobType = "zortout.pull_stock"
    public static var timeout: Duration { .seconds(900) }
    public static var requiresAccount: Bool { true }
    /// One pull per account at a time (0009): two would page the same catalogue
    /// and write the same stock rows, racing each other.
    public static var concurrencyLimit: ConcurrencyLimit? { .perAccount(1) }

    public typealias Payload = PullStockPayload
    public typealias Result = PullStockResult

    /// Up to this many `sku_list` entries are fetched with one `searchsku`
    /// query each; more, and paging the catalogue costs fewer requests.
    let searchThreshold: Int
    let pageSize: Int

    public init(searchThreshold: Int = 50, pageSize: Int = ZortoutClient.maxPageSize) {
        self.searchThreshold = searchThreshold
        self.pageSize = min(max(1, pageSize), ZortoutClient.maxPageSize)
    }

    /// A runaway guard: 5,000 pages of 500 is 2.5 million products.
    static let maxPages = 5_000

    public func run(_ payload: PullStockPayload, context: JobContext) async throws -> PullStockResult {
        let started = ContinuousClock.now
        let account = try context.requireAccount(marketplace: "zortout")
        let settings = try account.settings(as: ZortoutSettings.self)
        let credentials = try account.credentials.decode(ZortoutCredentials.self, accountID: account.id)
        let client = ZortoutClient(baseURL: settings.baseURL, credentials: credentials, http: context.http)
        let store = StockStore(database: context.database)
        let warehouse = payload.warehouseCode ?? settings.warehouseCode

        var run = PullRun(store: store, jobID: context.jobID, field: settings.stockField)
        let location = try await run.timed {
            try await store.targetLocation(
                stockLocationID: settings.stockLocationID,
                warehouseCode: warehouse)
        }
        run.locationID = location.id

        let wanted = payload.skuList.map { list in
            var seen = Set<String>()
            return list.filter { seen.insert($0).inserted }
        }
        let searching = wanted.map { $0.count <= searchThreshold } ?? false
        var logger = context.logger
        logger[metadataKey: "account_id"] = "\(account.id)"
        logger.info(
            "zortout stock pull starting",
            metadata: [
                "warehouse_code": "\(warehouse ?? "all")", "location_id": "\(location.id)",
                "mode": "\(searching ? "search" : "catalogue")", "sku_list": "\(wanted?.count ?? 0)",
            ])

        if let wanted, searching {
            try await search(wanted, client: client, warehouse: warehouse, run: &run, context: context)
        } else {
            try await pageCatalogue(
                filter: wanted.map(Set.init), client: client, warehouse: warehouse,
                run: &run, logger: logger, context: context)
        }

        let seen = run.seenSKUs
        let missing = (wanted ?? []).filter { !seen.contains($0) }
        let result = PullStockResult(
            warehouseCode: warehouse, locationID: location.id, locationName: location.name,
            stockField: settings.stockField.rawValue, mode: searching ? "search" : "catalogue",
            requests: run.requests, pages: run.pages, fetched: run.fetched,
            updated: run.total.updated, unchanged: run.total.unchanged,
            skippedService: run.total.skippedService + run.zortoutServices,
            skippedNotStorable: run.total.skippedNotStorable, skippedInactive: run.total.skippedInactive,
            skippedNoSKU: run.noSKU, unknownSKUCount: run.unknownCount,
            unknownSKU: run.unknownSample, missingInZortout: missing,
            durationMS: Self.milliseconds(ContinuousClock.now - started), dbMS: Self.milliseconds(run.databaseTime))
        logger.info(
            "zortout stock pull done",
            metadata: [
                "pages": "\(result.pages)", "fetched": "\(result.fetched)", "updated": "\(result.updated)",
                "unchanged": "\(result.unchanged)", "unknown_sku": "\(result.unknownSKUCount)",
                "duration_ms": "\(result.durationMS)", "db_ms": "\(result.dbMS)",
            ])
        return result
    }

    /// Pages `GET /Product/GetProducts` until a short page or `count` items.
    private func pageCatalogue(
        filter: Set<String>?, client: ZortoutClient, warehouse: String?,
        run: inout PullRun, logger: Logger, context: JobContext
    ) async throws {
        var page = 1
        var received = 0
        while true {
            try context.checkCancellation()
            let result = try await fetch(page: page, warehouse: warehouse, search: nil, client: client, run: &run)
            received += result.items.count
            run.pages += 1
            let items = filter.map { wanted in result.items.filter { $0.sku.map(wanted.contains) ?? false } } ?? result.items
            try await run.apply(items)
            // Pages pulled and written, of the pages Zortout's count implies (the worker throttles the writes).
            context.progress(
                done: run.pages, total: result.count.map { max(run.pages, ($0 + pageSize - 1) / pageSize) }, phase: "pages")
            logger.debug(
                "zortout page written",
                metadata: [
                    "page": "\(page)", "items": "\(result.items.count)", "count": "\(result.count.map(String.init) ?? "?")",
                    "updated_so_far": "\(run.total.updated)",
                ])
            if result.items.count < pageSize || received >= (result.count ?? Int.max) { return }
            page += 1
            guard page <= Self.maxPages else {
                throw JobError.permanent(
                    "GET /Product/GetProducts: still full pages after \(Self.maxPages) pages; stopping (count \(result.count.map(String.init) ?? "absent"))"
                )
            }
        }
    }

    /// One `searchsku` query per SKU, keeping exact matches only (Zortout's
    /// search also returns SKUs that merely contain the text), then writes
    /// everything found in page-sized batches.
    private func search(
        _ skus: [String], client: ZortoutClient, warehouse: String?,
        run: inout PullRun, context: JobContext
    ) async throws {
        var found: [ZortoutProduct] = []
        for (index, sku) in skus.enumerated() {
            var page = 1
            var received = 0
            while true {
                try context.checkCancellation()
                let result = try await fetch(page: page, warehouse: warehouse, search: sku, client: client, run: &run)
                received += result.items.count
                found += result.items.filter { $0.sku == sku }
                if result.items.count < pageSize || received >= (result.count ?? Int.max) || page >= Self.maxPages { break }
                page += 1
            }
            context.progress(done: index + 1, total: skus.count, phase: "SKUs searched")
        }
        var start = 0
        repeat {
            let batch = Array(found[start..<min(found.count, start + pageSize)])
            run.pages += 1
            try await run.apply(batch)
            start += pageSize
        } while start < found.count
    }

    private func fetch(
        page: Int, warehouse: String?, search: String?, client: ZortoutClient,
        run: inout PullRun
    ) async throws -> ZortoutPage<ZortoutProduct> {
        run.requests += 1
        do {
            return try await client.products(page: page, limit: pageSize, warehouseCode: warehouse, searchSKU: search)
        } catch {
            throw error.jobError(context: "page \(page)\(search == nil ? "" : " of the search for a sku_list entry")")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    public static func describe(result: Data) -> String? {
        (try? JSONDecoder().decode(PullStockResult.self, from: result))?.summary
    }
}

/// The running tally of one pull.
struct PullRun {
    let store: StockStore
    let jobID: Int64
    let field: ZortoutSettings.StockField
    var locationID: Int64 = 0
    var requests = 0
    var pages = 0
    var fetched = 0
    var noSKU = 0
    var zortoutServices = 0
    var total = StockStore.PageOutcome()
    var unknownCount = 0
    var unknownSample: [String] = []
    var seenSKUs: Set<String> = []
    var databaseTime: Duration = .zero

    init(store: StockStore, jobID: Int64, field: ZortoutSettings.StockField) {
        self.store = store
        self.jobID = jobID
        self.field = field
    }

    mutating func timed<T>(_ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer { databaseTime += ContinuousClock.now - start }
        return try await body()
    }

    /// Sorts one page's items into skips and writes, then writes in one statement.
    mutating func apply(_ items: [ZortoutProduct]) async throws {
        var skus: [String] = []
        var quantities: [Decimal] = []
        skus.reserveCapacity(items.count)
        quantities.reserveCapacity(items.count)
        for item in items {
            fetched += 1
            guard let sku = item.sku else { noSKU += 1; continue }
            seenSKUs.insert(sku)
            // A Zortout service carries no real stock (often -9999): never copy it.
            if item.isService { zortoutServices += 1; continue }
            guard let quantity = item.quantity(field) else {
                throw JobError.retryable("Zortout item \(item.id.map(String.init) ?? "?") (SKU \(sku)) has no \(field.rawValue)")
            }
            skus.append(sku)
            quantities.append(quantity)
        }
        let (store, jobID, locationID) = (store, jobID, locationID)
        let outcome = try await timed {
            try await store.apply(skus: skus, quantities: quantities, locationID: locationID, jobID: jobID)
        }
        total.updated += outcome.updated
        total.unchanged += outcome.unchanged
        total.skippedService += outcome.skippedService
        total.skippedNotStorable += outcome.skippedNotStorable
        total.skippedInactive += outcome.skippedInactive
        unknownCount += outcome.unknownSKUs.count
        let room = PullStockResult.unknownSKULimit - unknownSample.count
        if room > 0 { unknownSample += outcome.unknownSKUs.prefix(room) }
    }
}
