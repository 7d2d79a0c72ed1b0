import Foundation
import Postgres

/// A `marketplace_account` row as a handler sees it.
public struct MarketplaceAccount: Sendable {
    public let id: Int64
    public let name: String
    public let marketplace: String
    public let syncEnabled: Bool
    /// The `settings` column: non-secret JSON object.
    public let settings: Data
    /// The `credentials` column, wrapped so it cannot be printed by accident.
    public let credentials: Credentials

    public init(id: Int64, name: String, marketplace: String, syncEnabled: Bool, settings: Data, credentials: Credentials) {
        self.id = id
        self.name = name
        self.marketplace = marketplace
        self.syncEnabled = syncEnabled
        self.settings = settings
        self.credentials = credentials
    }

    /// Decodes `settings` into a handler's own type; a bad setting is a
    /// permanent error naming the key, since retrying will not fix the row.
    public func settings<T: Decodable>(as type: T.Type) throws(JobError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: settings)
        } catch {
            throw .permanent("account \(id) (\(name)): settings: \(DecodingErrorText.describe(error))")
        }
    }

    static let selectSQL = """
        SELECT id, name, marketplace, sync_enabled, settings::text AS settings, credentials::text AS credentials
          FROM marketplace_account WHERE id = $1
        """

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        name = try row.decode(String.self, "name")
        marketplace = try row.decode(String.self, "marketplace")
        syncEnabled = try row.decode(Bool.self, "sync_enabled")
        settings = Data(try row.decode(String.self, "settings").utf8)
        credentials = Credentials(json: Data(try row.decode(String.self, "credentials").utf8))
    }

    /// Loads one account by id.
    public static func load(id: Int64, from database: PostgresPool) async throws -> MarketplaceAccount? {
        try await database.query(selectSQL, [id]).first.map(MarketplaceAccount.init(row:))
    }
}
