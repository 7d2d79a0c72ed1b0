import Foundation
import HTTPClient
import JobQueue
import Postgres

/// The operator actions behind `jobctl zortout …` (the guide's "View
/// Warehouse List", "Test Warehouse Code" and "Pull Stock" buttons). jobctl
/// only parses arguments and prints; the logic and SQL live here.
public struct ZortoutOperations: Sendable {
    let database: PostgresPool
    let http: any HTTPClient

    public init(database: PostgresPool, http: any HTTPClient = URLSessionHTTPClient()) {
        self.database = database
        self.http = http
    }

    /// An account by id or by name; it must be a Zortout account.
    public func account(_ reference: String) async throws -> MarketplaceAccount {
        try await MarketplaceAccount.find(reference, marketplace: "zortout", displayName: "Zortout", in: database)
    }

    /// `GET /Warehouse/GetWarehouses` with the account's credentials.
    public func warehouses(of account: MarketplaceAccount) async throws -> [ZortoutWarehouse] {
        try await client(for: account).warehouses()
    }

    public struct WarehouseCheck: Sendable, Encodable {
        public var code: String
        /// Whether Zortout has a warehouse with exactly this code.
        public var exists: Bool
        public var zortoutName: String?
        /// Locations whose `warehouse_code` is this code (the pull fills the first).
        public var locations: [MappedLocation]
        /// The account's `stock_location_id`, which wins over the mapping when set.
        public var accountLocation: MappedLocation?
        /// Codes Zortout does have, to help fix a typo.
        public var knownCodes: [String]

        enum CodingKeys: String, CodingKey {
            case code, exists, zortoutName = "zortout_name", locations, accountLocation = "account_location", knownCodes =
                "known_codes"
        }

        /// Where a pull for this code would write.
        public var target: MappedLocation? { accountLocation ?? locations.first }
    }

    public struct MappedLocation: Sendable, Encodable {
        public var id: Int64
        public var name: String
        public var warehouseCode: String?
        enum CodingKeys: String, CodingKey { case id, name, warehouseCode = "warehouse_code" }
    }

    /// Does the code exist in Zortout, and which local location does it map to?
    public func checkWarehouse(_ code: String, account: MarketplaceAccount) async throws -> WarehouseCheck {
        let settings = try decodedSettings(account)
        let warehouses = try await client(for: account).warehouses()
        let store = StockStore(database: database)
        let match = warehouses.first { $0.code == code }
        let locations = try await store.locations(forWarehouse: code).map(Self.mapped)
        var accountLocation: MappedLocation?
        if let id = settings.stockLocationID { accountLocation = try await store.location(id: id).map(Self.mapped) }
        return WarehouseCheck(
            code: code, exists: match != nil, zortoutName: match?.name, locations: locations,
            accountLocation: accountLocation, knownCodes: warehouses.map(\.code))
    }

    /// Enqueues `zortout.pull_stock` by unique key through `JobAdmin.enqueue`
    /// (`marketplace_enqueue`). A pending pull with the same account,
    /// warehouse and SKUs is reused, so pressing the button twice queues one job.
    public func enqueuePull(account: MarketplaceAccount, warehouseCode: String?, skus: [String]?) async throws -> Int64 {
        let payload = PullStockPayload(warehouseCode: warehouseCode, skuList: skus)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var job = JobAdmin.NewJob(jobType: PullStockJob.jobType)
        job.payload = String(decoding: try encoder.encode(payload), as: UTF8.self)
        job.accountID = account.id
        job.name = "Sync Stock from Zortout"
        let key = "zortout.pull_stock:\(account.id):\(warehouseCode ?? "*"):\(skus?.sorted().joined(separator: ",") ?? "*")"
        job.uniqueKey = String(key.prefix(500))
        return try await database.withConnection { try await JobAdmin(connection: $0).enqueue(job) }
    }

    /// What `--wait` reports; the same for every marketplace.
    public typealias JobOutcome = JobAdmin.FinishedJob

    /// Follows the job until it is done, failed or cancelled (nil = `timeout`
    /// passed first), through `JobAdmin.waitForJob`; `observe` sees each poll
    /// of the unfinished job (its progress, for a live line).
    public func waitForJob(
        id: Int64, timeout: Duration, every interval: Duration = .milliseconds(250),
        observe: (@Sendable (JobAdmin.WaitingJob) -> Void)? = nil
    ) async throws -> JobOutcome? {
        try await database.withConnection {
            try await JobAdmin(connection: $0).waitForJob(id: id, timeout: timeout, every: interval, observe: observe)
        }
    }

    private func client(for account: MarketplaceAccount) throws -> ZortoutClient {
        let settings = try decodedSettings(account)
        let credentials: ZortoutCredentials
        do {
            credentials = try account.credentials.decode(ZortoutCredentials.self, accountID: account.id)
        } catch {
            throw JobAdminError.invalid(error.description)
        }
        return ZortoutClient(baseURL: settings.baseURL, credentials: credentials, http: http, timeout: .seconds(30))
    }

    private func decodedSettings(_ account: MarketplaceAccount) throws -> ZortoutSettings {
        do {
            return try account.settings(as: ZortoutSettings.self)
        } catch {
            throw JobAdminError.invalid(error.description)
        }
    }

    private static func mapped(_ location: StockStore.Location) -> MappedLocation {
        MappedLocation(id: location.id, name: location.name, warehouseCode: location.warehouseCode)
    }
}
