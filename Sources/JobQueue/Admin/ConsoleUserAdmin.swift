import Foundation
import Postgres

/// What `jobctl users` does: the operator console's logins (migration 0012).
/// Passwords go to PostgreSQL as parameters and are hashed there by pgcrypto's
/// bcrypt (`crypt(…, gen_salt('bf', 12))`); no hash is made or read in Swift.
public struct ConsoleUserAdmin: Sendable {
    /// jobctl's connection; one per command.
    public let connection: PostgresConnection

    /// Works on `connection`.
    public init(connection: PostgresConnection) { self.connection = connection }

    /// The console roles, weakest first: viewer reads, operator also acts on
    /// jobs and syncs, admin also edits accounts, secrets and users.
    public static let roles = ["viewer", "operator", "admin"]

    /// One login, without its hash.
    public struct User: Sendable, Codable, Equatable {
        /// The user id.
        public var id: Int64
        /// The login.
        public var login: String
        /// `viewer`, `operator` or `admin`.
        public var role: String
        /// In the integration group (notifications).
        public var integration: Bool
        /// Locked out, sessions ended.
        public var disabled: Bool
        /// When it was added.
        public var createdAt: Date
    }

    /// Adds a login; refuses a taken login, an unknown role or a short password.
    @discardableResult
    public func add(login: String, password: String, role: String, integration: Bool) async throws -> User {
        try Self.check(login: login)
        try Self.check(role: role)
        guard password.count >= 8 else { throw JobAdminError.invalid("the password must have at least 8 characters") }
        do {
            guard
                let row = try await connection.query(
                    """
                    INSERT INTO console_user (login, password_hash, role, integration)
                    VALUES ($1, crypt($2, gen_salt('bf', 12)), $3, $4)
                    RETURNING id, login, role, integration, disabled, created_at
                    """, [login, password, role, integration]
                ).first
            else { throw JobAdminError.invalid("INSERT returned nothing") }
            return try Self.user(row)
        } catch let error as PostgresError where error.sqlState == PostgresServerError.uniqueViolation {
            throw JobAdminError.refused("login \(login) exists already; see: jobctl users list")
        }
    }

    /// Every login, by login.
    public func list() async throws -> [User] {
        try await connection.query(
            "SELECT id, login, role, integration, disabled, created_at FROM console_user ORDER BY login"
        ).rows.map(Self.user)
    }

    /// Disables a login and ends its sessions at once.
    public func disable(login: String) async throws {
        try await connection.transaction { connection in
            let changed = try await connection.execute(
                "UPDATE console_user SET disabled = true, updated_at = now() WHERE login = $1", [login])
            guard changed == 1 else { throw JobAdminError.notFound("no console user \(login); see: jobctl users list") }
            try await connection.execute(
                "DELETE FROM console_session WHERE user_id = (SELECT id FROM console_user WHERE login = $1)", [login])
        }
    }

    /// Changes a login's role (and, when given, its integration-group
    /// membership); its open sessions see the change on their next request.
    public func setRole(login: String, role: String, integration: Bool? = nil) async throws {
        try Self.check(role: role)
        let changed = try await connection.execute(
            """
            UPDATE console_user SET role = $2, integration = coalesce($3, integration), updated_at = now() WHERE login = $1
            """, [login, role, integration])
        guard changed == 1 else { throw JobAdminError.notFound("no console user \(login); see: jobctl users list") }
    }

    static func check(login: String) throws(JobAdminError) {
        let allowed = login.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._@-".unicodeScalars.contains($0)
        }
        guard (1...64).contains(login.count), allowed else {
            throw .invalid("a login is 1 to 64 of A-Z a-z 0-9 . _ @ -, got '\(login.prefix(80))'")
        }
    }

    static func check(role: String) throws(JobAdminError) {
        guard roles.contains(role) else {
            throw .invalid("unknown role '\(role)': give one of \(roles.joined(separator: ", "))")
        }
    }

    private static func user(_ row: PostgresRow) throws -> User {
        User(
            id: try row.decode(Int64.self, "id"), login: try row.decode(String.self, "login"),
            role: try row.decode(String.self, "role"), integration: try row.decode(Bool.self, "integration"),
            disabled: try row.decode(Bool.self, "disabled"), createdAt: try row.decode(Date.self, "created_at"))
    }
}
