import Console
import Foundation
import JobQueue
import Logging
import Postgres
import TestSupport
import Testing

/// A migrated database, console users of every role, and a console served
/// in-process by FlyingFox on 127.0.0.1 (a free port), connected as
/// `marketplace_console` exactly as `console serve` connects.
struct ConsoleHarness {
    let db: TestDatabase
    /// A superuser connection, to arrange data and to check what the console wrote.
    let connection: PostgresConnection
    let pool: PostgresPool
    let server: ConsoleServer
    let task: Task<Void, any Error>
    let client: ConsoleClient

    /// Every test user's password.
    static let password = "correct horse battery"

    /// Logins made by `make`: one per role, `*-int` in the integration group.
    static let users: [(login: String, role: String, integration: Bool)] = [
        ("viewer", "viewer", false), ("operator", "operator", false), ("admin", "admin", true),
        ("viewer-int", "viewer", true), ("operator-int", "operator", true),
    ]

    static func make(_ label: String, security: ConsoleSecurity = ConsoleSecurity()) async throws -> ConsoleHarness {
        let db = try await TestDatabase.create(label: label)
        let connection = try await db.connect()
        // Cost 4, not jobctl's 12: the suite logs in a few hundred times, and
        // cost-12 hashes there were a minute of CPU that starved the parallel
        // suite. `console_login` checks any cost alike; the cost-12 path of
        // `jobctl users add` has its own test (ConsoleProcessTests).
        for user in Self.users {
            try await connection.execute(
                """
                INSERT INTO console_user (login, password_hash, role, integration)
                VALUES ($1, crypt($2, gen_salt('bf', 4)), $3, $4)
                """, [user.login, password, user.role, user.integration])
        }
        let pool = PostgresPool(configuration: ConsoleDatabase.configuration(db.configuration), maxConnections: 4)
        let app = try ConsoleApp(database: pool, security: security, logger: Logger(label: "console-test"))
        let server = try ConsoleServer(bind: "127.0.0.1", port: 0, app: app, logger: Logger(label: "console-test"))
        let task = Task { try await server.run() }
        let port = try await server.waitForPort(timeout: 60)
        return ConsoleHarness(
            db: db, connection: connection, pool: pool, server: server, task: task, client: ConsoleClient(port: port))
    }

    func finish() async {
        await server.stop()
        task.cancel()
        _ = await task.result
        await pool.close()
        await connection.close()
        await db.drop()
    }

    /// A logged-in browser: its cookie and its session's CSRF token.
    struct Session {
        var cookie: String
        var csrf: String
    }

    /// Logs in and reads the CSRF token from the overview.
    func login(_ login: String, password: String = ConsoleHarness.password) async throws -> Session {
        let response = try await client.post("/login", ["login": login, "password": password])
        try #require(response.status == 303, "login of \(login) answered \(response.status): \(response.body)")
        let setCookie = try #require(response.header("set-cookie"))
        let cookie = String(try #require(setCookie.split(separator: ";").first))
        let page = try await client.get("/", cookie: cookie)
        return Session(cookie: cookie, csrf: try #require(page.csrf, "no CSRF token on the overview"))
    }

    func get(_ path: String, as session: Session) async throws -> ConsoleClient.Response {
        try await client.get(path, cookie: session.cookie)
    }

    /// A POST with the session's CSRF token added.
    func post(_ path: String, _ fields: [String: String] = [:], as session: Session) async throws -> ConsoleClient.Response {
        var fields = fields
        fields["csrf"] = session.csrf
        return try await client.post(path, fields, cookie: session.cookie)
    }

    func scalar(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> String? {
        try await connection.query(sql, parameters).first?["v"]
    }

    /// Inserts a job directly, as the ERP would; returns its id.
    @discardableResult
    func insertJob(
        type: String = "system.noop", state: String = "pending", accountID: Int64? = nil, error: String? = nil,
        name: String? = nil
    ) async throws -> Int64 {
        let finished = state == "done" || state == "failed" || state == "cancelled"
        let row = try await connection.query(
            """
            INSERT INTO marketplace_job (job_type, state, account_id, error, name, attempts, max_attempts, finished_at,
                                         errors)
            VALUES ($1, $2, $3, $4, $5, CASE WHEN $2 = 'failed' THEN 1 ELSE 0 END, 1,
                    CASE WHEN $6 THEN now() END,
                    CASE WHEN $4::text IS NULL THEN '[]'::jsonb
                         ELSE jsonb_build_array(jsonb_build_object('at', now(), 'attempt', 1, 'kind', 'failed', 'error', $4::text)) END)
            RETURNING id
            """, [type, state, accountID, error, name, finished]
        ).first
        return try #require(row).decode(Int64.self, "id")
    }

    /// Inserts an account with known credentials; returns its id.
    func insertAccount(name: String, marketplace: String, settings: String, credentials: String) async throws -> Int64 {
        let row = try await connection.query(
            """
            INSERT INTO marketplace_account (name, marketplace, settings, credentials)
            VALUES ($1, $2, $3::jsonb, $4::jsonb) RETURNING id
            """, [name, marketplace, PostgresJSON(text: settings), PostgresJSON(text: credentials)]
        ).first
        return try #require(row).decode(Int64.self, "id")
    }
}
