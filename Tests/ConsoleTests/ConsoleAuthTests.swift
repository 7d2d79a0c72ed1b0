import Console
import Foundation
import Postgres
import TestSupport
import Testing

/// Logins, sessions, logout, CSRF and throttling, over real HTTP against a console on PostgreSQL.
@Suite struct ConsoleAuthTests {
    @Test func loginSetsAStrictHttpOnlyCookieAndStoresOnlyTheTokensHash() async throws {
        let h = try await ConsoleHarness.make("cauth")
        try await withTeardown(await h.finish()) { () async throws in
            let anonymous = try await h.client.get("/")
            #expect(anonymous.status == 303)
            #expect(anonymous.header("location")?.hasSuffix("/login") == true)
            #expect(try await h.client.get("/login").status == 200)

            let response = try await h.client.post("/login", ["login": "operator", "password": ConsoleHarness.password])
            #expect(response.status == 303)
            let cookie = try #require(response.header("set-cookie"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"), "Secure only with --behind-tls")
            let token = try #require(cookie.split(separator: ";").first?.split(separator: "=").last.map(String.init))
            #expect(token.count == 64)
            // The table holds the SHA-256 of the token, never the token.
            #expect(try await h.scalar("SELECT count(*)::text AS v FROM console_session") == "1")
            #expect(
                try await h.scalar(
                    "SELECT count(*)::text AS v FROM console_session WHERE token_hash = digest($1, 'sha256')", [token]) == "1")
            #expect(
                try await h.scalar(
                    "SELECT count(*)::text AS v FROM console_session WHERE encode(token_hash, 'hex') = $1 OR csrf_token = $1",
                    [token]) == "0")
            let overview = try await h.client.get("/", cookie: String(cookie.split(separator: ";")[0]))
            #expect(overview.status == 200)
            #expect(overview.body.contains("operator (operator)"))
        }
    }

    @Test func secureCookieBehindTLS() async throws {
        var security = ConsoleSecurity()
        security.behindTLS = true
        let h = try await ConsoleHarness.make("ctls", security: security)
        try await withTeardown(await h.finish()) { () async throws in
            let response = try await h.client.post("/login", ["login": "viewer", "password": ConsoleHarness.password])
            #expect(try #require(response.header("set-cookie")).contains("Secure"))
        }
    }

    @Test func aFailedLoginSaysTheSameWhetherOrNotTheUserExists() async throws {
        let h = try await ConsoleHarness.make("cfail")
        try await withTeardown(await h.finish()) { () async throws in
            let wrong = try await h.client.post("/login", ["login": "operator", "password": "not the password"])
            let unknown = try await h.client.post("/login", ["login": "nobody", "password": "not the password"])
            #expect(wrong.status == 401)
            #expect(unknown.status == 401)
            #expect(wrong.header("set-cookie") == nil)
            let message = { (body: String) in
                body.range(of: #"<p class="error">[^<]*</p>"#, options: .regularExpression).map { String(body[$0]) }
            }
            #expect(message(wrong.body) != nil)
            #expect(message(wrong.body) == message(unknown.body))
            try await h.connection.execute("UPDATE console_user SET disabled = true WHERE login = 'viewer'")
            let disabled = try await h.client.post("/login", ["login": "viewer", "password": ConsoleHarness.password])
            #expect(disabled.status == 401)
            #expect(message(disabled.body) == message(unknown.body))
        }
    }

    @Test func loginsAreThrottledPerLoginAndPerAddress() async throws {
        var security = ConsoleSecurity()
        security.maxFailuresPerLogin = 3
        security.maxFailuresPerAddress = 5
        let h = try await ConsoleHarness.make("cthrottle", security: security)
        try await withTeardown(await h.finish()) { () async throws in
            for _ in 0..<3 {
                #expect(try await h.client.post("/login", ["login": "operator", "password": "guess"]).status == 401)
            }
            // The right password no longer helps this login…
            let locked = try await h.client.post("/login", ["login": "operator", "password": ConsoleHarness.password])
            #expect(locked.status == 429)
            #expect(locked.header("set-cookie") == nil)
            // …while another login from the same address still gets in, until the address has 5 failures.
            _ = try await h.login("admin")
            for _ in 0..<2 {
                #expect(try await h.client.post("/login", ["login": "nobody", "password": "guess"]).status == 401)
            }
            let address = try await h.client.post("/login", ["login": "viewer", "password": ConsoleHarness.password])
            #expect(address.status == 429)
            #expect(try await h.scalar("SELECT count(*)::text AS v FROM console_login_attempt WHERE NOT succeeded") == "5")
        }
    }

    @Test func idleAndAbsoluteExpiryEndSessions() async throws {
        var idle = ConsoleSecurity()
        idle.idleSeconds = 1
        let h = try await ConsoleHarness.make("cidle", security: idle)
        try await withTeardown(await h.finish()) { () async throws in
            let response = try await h.client.post("/login", ["login": "viewer", "password": ConsoleHarness.password])
            let cookie = String(try #require(response.header("set-cookie")?.split(separator: ";").first))
            #expect(try await h.scalar("SELECT count(*)::text AS v FROM console_session") == "1")
            try await Task.sleep(for: .seconds(2.5))
            let later = try await h.client.get("/jobs", cookie: cookie)
            #expect(later.status == 303)
            #expect(later.header("location")?.hasSuffix("/login") == true)
        }
        var absolute = ConsoleSecurity()
        absolute.absoluteSeconds = 2
        let a = try await ConsoleHarness.make("cabs", security: absolute)
        try await withTeardown(await a.finish()) { () async throws in
            let response = try await a.client.post("/login", ["login": "viewer", "password": ConsoleHarness.password])
            let cookie = String(try #require(response.header("set-cookie")?.split(separator: ";").first))
            // Busy all along (each request slides the idle expiry), yet over after 2 s.
            let start = ContinuousClock.now
            var last = 0
            while ContinuousClock.now - start < .seconds(3) {
                last = try await a.client.get("/", cookie: cookie).status
                try await Task.sleep(for: .milliseconds(200))
            }
            last = try await a.client.get("/", cookie: cookie).status
            #expect(last == 303)
        }
    }

    @Test func logoutEndsTheSessionOnTheServer() async throws {
        let h = try await ConsoleHarness.make("clogout")
        try await withTeardown(await h.finish()) { () async throws in
            let session = try await h.login("viewer")
            let out = try await h.post("/logout", as: session)
            #expect(out.status == 303)
            #expect(out.header("set-cookie")?.contains("Max-Age=0") == true)
            #expect(try await h.scalar("SELECT count(*)::text AS v FROM console_session") == "0")
            // The old cookie, replayed, gets nowhere.
            #expect(try await h.get("/", as: session).status == 303)
            #expect(try await h.post("/logout", as: session).status == 403)
        }
    }

    @Test func everyPostNeedsTheSessionsCSRFToken() async throws {
        let h = try await ConsoleHarness.make("ccsrf")
        try await withTeardown(await h.finish()) { () async throws in
            let job = try await h.insertJob(state: "failed", error: "boom")
            let session = try await h.login("operator")
            let other = try await h.login("operator-int")
            let missing = try await h.client.post("/jobs/\(job)/retry", [:], cookie: session.cookie)
            #expect(missing.status == 403)
            let wrong = try await h.client.post(
                "/jobs/\(job)/retry", ["csrf": String(repeating: "a", count: 64)], cookie: session.cookie)
            #expect(wrong.status == 403)
            // Another session's token is not this session's.
            let foreign = try await h.client.post("/jobs/\(job)/retry", ["csrf": other.csrf], cookie: session.cookie)
            #expect(foreign.status == 403)
            #expect(try await h.scalar("SELECT state AS v FROM marketplace_job WHERE id = $1", [job]) == "failed")
            let right = try await h.post("/jobs/\(job)/retry", as: session)
            #expect(right.status == 303)
            #expect(try await h.scalar("SELECT state AS v FROM marketplace_job WHERE id = $1", [job]) == "pending")
        }
    }
}
