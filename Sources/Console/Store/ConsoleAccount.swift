import Foundation
import JobQueue

/// A `marketplace_account` row as the console may see it: everything but the
/// credentials, which its database role cannot read. `credentialKeys` says
/// which secrets are set (from `console_credential_keys`), never their values.
public struct ConsoleAccount: Sendable {
    /// The account id.
    public var id: Int64
    /// Its name.
    public var name: String
    /// `amazon`, `zortout`, …
    public var marketplace: String
    /// Whether its jobs may run.
    public var syncEnabled: Bool
    /// The `settings` jsonb text.
    public var settingsJSON: String
    /// Names of the credential keys that hold a non-empty value.
    public var credentialKeys: [String]

    /// The settings as a JSON object (empty when they do not parse).
    public var settings: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(settingsJSON.utf8)) as? [String: Any]) ?? [:]
    }

    /// The seed's Active flag: `settings.automatic`.
    public var isAutomatic: Bool { (settings["automatic"] as? Bool) == true }

    /// The account as the marketplace modules' admin functions take it, with
    /// no credentials: those functions only enqueue jobs and read sync
    /// tables, and the worker loads the real credentials when the job runs.
    public var withoutCredentials: MarketplaceAccount {
        MarketplaceAccount(
            id: id, name: name, marketplace: marketplace, syncEnabled: syncEnabled, settings: Data(settingsJSON.utf8),
            credentials: Credentials(json: Data("{}".utf8)))
    }
}
