import Foundation
import Postgres

/// How the console connects: as `marketplace_console` (migration 0012), set
/// by libpq's `options=-c role=…` at connection start, so every connection of
/// the pool (reconnections too) runs with the role's privileges only. The
/// login role of the URL must be a member of it (`GRANT marketplace_console
/// TO console_login`), or the connection fails with a permission error.
public enum ConsoleDatabase {
    /// The role the console runs as.
    public static let role = "marketplace_console"

    /// `base` with the role added to its startup options.
    public static func configuration(_ base: PostgresConfiguration, role: String = role) -> PostgresConfiguration {
        let option = "-c role=\(role)"
        var configuration = base
        guard let text = base.connectionString else {
            configuration.connectionString = "options='\(option)'"
            return configuration
        }
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            let encoded = option.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "=", with: "%3D")
            configuration.connectionString = text + (text.contains("?") ? "&" : "?") + "options=" + encoded
        } else {
            configuration.connectionString = text + " options='\(option)'"
        }
        return configuration
    }
}
