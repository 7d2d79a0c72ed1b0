import Console
import Foundation
import Postgres
import TestSupport
import Testing

/// Secrets never leave the database through the console: its role cannot read
/// them, and no page at any role shows one.
@Suite struct ConsoleSecretTests {
    static let seeded = ["SEEDED-client-id-4711", "SEEDED-client-secret-4712", "SEEDED-refresh-4713"]
    static let typed = ["TYPED-client-secret-9001", "TYPED-refresh-token-9002", "TYPED-zortout-key-9003"]

    @Test func theConsoleRoleCannotSelectCredentials() async throws {
        let db = try await TestDatabase.create(label: "crole")
        let pool = PostgresPool(configuration: ConsoleDatabase.configuration(db.configuration), maxConnections: 1)
        do {
            #expect(try await pool.query("SELECT current_user AS v").first?["v"] == "marketplace_console")
            for sql in [
                "SELECT credentials FROM marketplace_account", "SELECT * FROM marketplace_account",
                "SELECT password_hash FROM console_user", "SELECT token_hash FROM console_session",
                "UPDATE marketplace_account SET credentials = '{}'",
            ] {
                do {
                    _ = try await pool.query(sql)
                    Issue.record("\(sql) was allowed to marketplace_console")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "42501", "\(sql): \(error)")
                }
            }
            // What the console does need still works.
            #expect(try await pool.query("SELECT id, name, settings FROM marketplace_account").rows.isEmpty)
        } catch {
            await pool.close()
            await db.drop()
            throw error
        }
        await pool.close()
        await db.drop()
    }

    @Test func noPageAtAnyRoleShowsASecret() async throws {
        let h = try await ConsoleHarness.make("csecret")
        try await withTeardown(await h.finish()) { () async throws in
            let amazon = try await h.insertAccount(
                name: "amz", marketplace: "amazon", settings: #"{"seller_id": "S1", "marketplace_ids": ["M1"]}"#,
                credentials:
                    #"{"client_id": "\#(Self.seeded[0])", "client_secret": "\#(Self.seeded[1])", "refresh_token": "\#(Self.seeded[2])"}"#
            )
            let zortout = try await h.insertAccount(
                name: "zo", marketplace: "zortout", settings: #"{"warehouse_code": "W1"}"#,
                credentials: #"{"store_name": "shop", "api_key": "k", "api_secret": "s"}"#)
            let job = try await h.insertJob(state: "failed", accountID: amazon, error: "boom")
            // An admin types new secrets into the forms.
            let admin = try await h.login("admin")
            let saved = try await h.post(
                "/accounts/\(amazon)/settings",
                [
                    "seller_id": "S2", "marketplace_ids": "M1, M2", "client_secret": Self.typed[0],
                    "refresh_token": Self.typed[1], "interval_seconds": "600", "sync_enabled": "true",
                ], as: admin)
            #expect(saved.status == 303)
            #expect(try await h.post("/accounts/\(zortout)/settings", ["api_key": Self.typed[2]], as: admin).status == 303)
            // They reached the database; the untouched one kept its value.
            let credentials = try #require(
                try await h.scalar("SELECT credentials::text AS v FROM marketplace_account WHERE id = $1", [amazon]))
            #expect(credentials.contains(Self.typed[0]) && credentials.contains(Self.typed[1]))
            #expect(credentials.contains(Self.seeded[0]))
            #expect(
                try await h.scalar("SELECT settings->>'seller_id' AS v FROM marketplace_account WHERE id = $1", [amazon]) == "S2")
            #expect(
                try await h.scalar("SELECT settings->'marketplace_ids'->>1 AS v FROM marketplace_account WHERE id = $1", [amazon])
                    == "M2")
            let audit = try #require(try await h.scalar("SELECT string_agg(detail, ' | ') AS v FROM console_audit"))
            #expect(audit.contains("client_secret"))
            let secrets = Self.seeded + Self.typed + ["\"k\"", ">k<", ">s<"]
            for user in ConsoleHarness.users {
                let session = try await h.login(user.login)
                for path in ConsoleRouteTests.pages(amazon: amazon, zortout: zortout, job: job) + ["/notifications"] {
                    let body = try await h.get(path, as: session).body
                    for secret in secrets { #expect(!body.contains(secret), "\(user.login) GET \(path) shows a secret") }
                }
            }
            let page = try await h.get("/accounts/\(amazon)", as: admin).body
            #expect(page.contains(#"id="secret-client_secret">set<"#))
            #expect(audit.contains(Self.typed[0]) == false)
        }
    }
}
