import Foundation
import Postgres

/// Reads and changes accounts as the console may: settings by UPDATE of the
/// `settings` column (granted), secrets only through `console_set_credentials`.
public struct AccountStore: Sendable {
    let database: PostgresPool

    /// Works on the console's pool.
    public init(database: PostgresPool) { self.database = database }

    static let columns = "id, name, marketplace, sync_enabled, settings::text AS settings, console_credential_keys(id) AS keys"

    /// Every account, by marketplace and name.
    public func list() async throws -> [ConsoleAccount] {
        try await database.query("SELECT \(Self.columns) FROM marketplace_account ORDER BY marketplace, name, id").rows.map(
            Self.account)
    }

    /// One account, or `notFound`.
    public func account(id: Int64) async throws -> ConsoleAccount {
        guard let row = try await database.query("SELECT \(Self.columns) FROM marketplace_account WHERE id = $1", [id]).first
        else { throw ConsoleError.notFound("account \(id) does not exist") }
        return try Self.account(row)
    }

    /// Merges `changes` into the settings (a nil value removes the key) and sets `sync_enabled`.
    /// The database's check (migration 0007) refuses malformed intervals; that becomes a 400.
    public func updateSettings(id: Int64, changes: [String: Any?], syncEnabled: Bool) async throws {
        var current = try await account(id: id).settings
        for (key, value) in changes {
            if let value { current[key] = value } else { current.removeValue(forKey: key) }
        }
        let data = try JSONSerialization.data(withJSONObject: current, options: [.sortedKeys])
        do {
            try await database.execute(
                "UPDATE marketplace_account SET settings = $2::jsonb, sync_enabled = $3 WHERE id = $1",
                [id, PostgresJSON(text: String(decoding: data, as: UTF8.self)), syncEnabled])
        } catch let error as PostgresError where error.sqlState?.hasPrefix("22") == true || error.sqlState == "23514" {
            throw ConsoleError.badRequest("the database refused these settings: \(error)")
        }
    }

    /// Sets the given secrets (empty values are left as they are); returns the keys now set.
    @discardableResult
    public func setCredentials(id: Int64, _ secrets: [String: String]) async throws -> [String] {
        let data = try JSONSerialization.data(withJSONObject: secrets, options: [.sortedKeys])
        do {
            let row = try await database.query(
                "SELECT console_set_credentials($1, $2::jsonb) AS keys",
                [id, PostgresJSON(text: String(decoding: data, as: UTF8.self))]
            ).first
            return Self.array(row?["keys"])
        } catch let error as PostgresError where error.sqlState == "P0002" {
            throw ConsoleError.notFound("account \(id) does not exist")
        }
    }

    private static func account(_ row: PostgresRow) throws -> ConsoleAccount {
        ConsoleAccount(
            id: try row.decode(Int64.self, "id"), name: try row.decode(String.self, "name"),
            marketplace: try row.decode(String.self, "marketplace"), syncEnabled: try row.decode(Bool.self, "sync_enabled"),
            settingsJSON: try row.decode(String.self, "settings"), credentialKeys: array(row["keys"]))
    }

    /// A text[] in PostgreSQL's text form; credential keys are plain words.
    static func array(_ text: String?) -> [String] {
        guard let text, text.count > 2 else { return [] }
        return text.dropFirst().dropLast().split(separator: ",").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }
}
