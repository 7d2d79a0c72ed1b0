import Foundation
import JobQueue

/// An `amazon` marketplace account, decoded once per job: its settings, its
/// secrets, and a label for messages ("account 3 (Amazon US)").
public struct AmazonAccount: Sendable {
    public let id: Int64
    public let name: String
    public let settings: AmazonSettings
    public let credentials: AmazonCredentials

    public init(id: Int64, name: String, settings: AmazonSettings, credentials: AmazonCredentials) {
        self.id = id
        self.name = name
        self.settings = settings
        self.credentials = credentials
    }

    /// Decodes a `marketplace_account` row. A bad or missing key is a permanent
    /// error naming the account, the column and the key (never a secret's value).
    public init(_ account: MarketplaceAccount) throws(JobError) {
        let label = "account \(account.id) (\(account.name))"
        guard account.marketplace == "amazon" else {
            throw .permanent("\(label) is a '\(account.marketplace)' account, not 'amazon'")
        }
        let settings: AmazonSettings
        do {
            settings = try JSONDecoder().decode(AmazonSettings.self, from: account.settings)
        } catch {
            throw .permanent("\(label): settings: \(DecodingErrorText.describe(error))")
        }
        let credentials: AmazonCredentials
        do {
            credentials = try account.credentials.decode(AmazonCredentials.self, accountID: account.id)
        } catch {
            // Credentials.decode names the field only; say which account too.
            let detail = error.description.replacingOccurrences(of: "account \(account.id): ", with: "")
            throw .permanent("\(label): \(detail) (keys: client_id, client_secret, refresh_token)")
        }
        self.init(id: account.id, name: account.name, settings: settings, credentials: credentials)
    }

    /// "account 3 (Amazon US)": how every message names the account.
    public var label: String { "account \(id) (\(name))" }
}
