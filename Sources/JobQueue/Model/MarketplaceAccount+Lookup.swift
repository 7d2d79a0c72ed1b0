import Foundation
import Postgres

extension MarketplaceAccount {
    /// An account named by an operator, by id or by name, that must belong to
    /// `marketplace`: what every marketplace's `jobctl <marketplace> … <account>`
    /// takes. A name shared by accounts of other marketplaces resolves to this
    /// marketplace's; a name shared by two of its own is refused, asking for the
    /// id. `displayName` ("Amazon") is how messages name the marketplace.
    public static func find(
        _ reference: String, marketplace: String, displayName: String, in database: PostgresPool
    ) async throws -> MarketplaceAccount {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw JobAdminError.invalid("account: give an id or a name") }
        var id = Int64(trimmed)
        if id == nil {
            let rows = try await database.query(
                "SELECT id, marketplace FROM marketplace_account WHERE name = $1 ORDER BY (marketplace = $2) DESC, id",
                [trimmed, marketplace])
            guard let row = rows.first else { throw JobAdminError.notFound("no marketplace_account named '\(trimmed)'") }
            if rows.rows.filter({ $0["marketplace"] == marketplace }).count > 1 {
                throw JobAdminError.invalid("several \(displayName) accounts are named '\(trimmed)': give the id instead")
            }
            id = try row.decode(Int64.self, "id")
        }
        guard let id, let account = try await load(id: id, from: database) else {
            throw JobAdminError.notFound("no marketplace_account with id \(trimmed)")
        }
        guard account.marketplace == marketplace else {
            throw JobAdminError.invalid(
                "account \(account.id) (\(account.name)) is a '\(account.marketplace)' account, not '\(marketplace)'")
        }
        return account
    }
}
