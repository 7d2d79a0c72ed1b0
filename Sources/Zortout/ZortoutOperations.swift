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
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw JobAdminError.invalid("account: give an id or a name") }
        var id = Int64(trimmed)
        if id == nil {
            let rows = try await database.query(
                "SELECT id, marketplace FROM marketplace_account WHERE name = $1 ORDER BY (marketplace = 'zortout') DESC, id", [trimmed])
            guard let row = rows.first else { throw JobAdminError.notFound("no marketplace_account named '\(trimmed)'") }
            if rows.rows.filter({ $0["marketplace"] == "zortout" }).count > 1 {
                throw JobAdminError.invalid("several Zortout accounts are named '\(trimmed)': give the id instead")
            }
            id = try row.decode(Int64.self, "id")
        }
        guard let id, let account = try await MarketplaceAccount.load(id: id, from: database) else {
            throw JobAdminError.notFound("no marketplace_account with id \(trimmed)")
        }
        guard account.marketplace == "zortout" else {
            throw JobAdminError.invalid("account \(account.id) (\(account.name)) is a '\(account.marketplace)' account, not 'zortout'")
        }
        return account
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
            case code, exists, zortoutName = "zortout_name", locations, accountLocation = "account_location", knownCodes = "known_codes"
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
        return WarehouseCheck(code: code, exists: match != nil, zortoutName: match?.name, locations: locations,
                              accountLocation: accountLocation, knownCodes: warehouses.map(\.code))
    }

    /// Enqueues `zortout.pull_stock` via `marketplace_enqueue`. A pending pull
    /// with the same account, warehouse and SKUs is reused, so pressing the
    /// button twice queues one job.
    public func enqueuePull(account: MarketplaceAccount, warehouseCode: String?, skus: [String]?) async throws -> Int64 {
        let payload = PullStockPayload(warehouseCode: warehouseCode, skuList: skus)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try PostgresJSON(encoding: payload, encoder: encoder)
        let key = "zortout.pull_stock:\(account.id):\(warehouseCode ?? "*"):\(skus?.sorted().joined(separator: ",") ?? "*")"
        let rows = try await database.query(
            "SELECT marketplace_enqueue('zortout.pull_stock', $1::jsonb, account_id => $2, name => $3, unique_key => $4) AS id",
            [json, account.id, "Sync Stock from Zortout", String(key.prefix(500))])
        guard let row = rows.first else { throw JobAdminError.refused("marketplace_enqueue returned no id") }
        return try row.decode(Int64.self, "id")
    }

    public struct JobOutcome: Sendable {
        public var id: Int64
        public var state: String
        public var attempts: Int
        public var result: Data?
        public var error: String?
    }

    /// Polls the job row until it is done, failed or cancelled (nil = `timeout` passed first).
    public func waitForJob(id: Int64, timeout: Duration, every interval: Duration = .milliseconds(250)) async throws -> JobOutcome? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let rows = try await database.query(
                "SELECT state, attempts, result::text AS result, error FROM marketplace_job WHERE id = $1", [id])
            guard let row = rows.first else { throw JobAdminError.notFound("job \(id) is gone") }
            let state = try row.decode(String.self, "state")
            if ["done", "failed", "cancelled"].contains(state) {
                return JobOutcome(id: id, state: state, attempts: try row.decode(Int.self, "attempts"),
                                  result: row["result"].map { Data($0.utf8) }, error: row["error"])
            }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: interval)
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
