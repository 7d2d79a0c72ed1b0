import Foundation
import Postgres

/// Logins, sessions and logouts, each one call of a SECURITY DEFINER function
/// of migration 0012: the console's role cannot read `console_user` or
/// `console_session` itself, so no console bug can leak a password hash.
public struct AuthStore: Sendable {
    let database: PostgresPool
    let security: ConsoleSecurity

    /// Works on the console's pool.
    public init(database: PostgresPool, security: ConsoleSecurity) {
        self.database = database
        self.security = security
    }

    /// What a login attempt came to. `invalid` covers a wrong password, an
    /// unknown and a disabled login alike.
    public enum LoginOutcome: String, Sendable {
        case ok, invalid, throttled
    }

    /// Tries a login; on `ok` the session for `token` exists.
    public func login(login: String, password: String, address: String, token: String, csrf: String) async throws
        -> LoginOutcome
    {
        let row = try await database.query(
            "SELECT console_login($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS outcome",
            [
                login, password, address, token, csrf, security.idleSeconds, security.absoluteSeconds,
                security.maxFailuresPerLogin, security.maxFailuresPerAddress, security.throttleWindowSeconds,
            ]
        ).first
        guard let text = row?["outcome"], let outcome = LoginOutcome(rawValue: text) else {
            throw ConsoleError.internalError("console_login returned no outcome")
        }
        return outcome
    }

    /// The live session of a cookie's token (its idle expiry slides), or nil.
    public func session(token: String) async throws -> SessionUser? {
        guard SessionToken.isWellFormed(token) else { return nil }
        guard let row = try await database.query("SELECT * FROM console_session_lookup($1)", [token]).first else {
            return nil
        }
        guard let role = ConsoleRole(rawValue: try row.decode(String.self, "role")) else { return nil }
        return SessionUser(
            id: try row.decode(Int64.self, "user_id"), login: try row.decode(String.self, "login"), role: role,
            integration: try row.decode(Bool.self, "integration"), csrfToken: try row.decode(String.self, "csrf_token"))
    }

    /// Ends the session on the server.
    public func logout(token: String) async throws {
        guard SessionToken.isWellFormed(token) else { return }
        try await database.execute("SELECT console_logout($1)", [token])
    }
}
