import Console
import Foundation
import Postgres
import TestSupport
import Testing

/// Every route's status codes and role checks, and bad input that must get a
/// clear 4xx while the server goes on.
@Suite struct ConsoleRouteTests {
    /// Every page a GET reaches, for an Amazon account, a Zortout account and a job.
    static func pages(amazon: Int64, zortout: Int64, job: Int64) -> [String] {
        [
            "/", "/live", "/jobs", "/jobs?state=failed", "/jobs?q=boom", "/jobs?account=\(amazon)", "/jobs/\(job)",
            "/jobs/\(job)/live", "/accounts", "/accounts/\(amazon)", "/accounts/\(zortout)", "/accounts/\(amazon)/amazon",
            "/schedules", "/static/console.css", "/static/console.js",
        ]
    }

    @Test func everyPageAnswersEveryRole() async throws {
        let h = try await ConsoleHarness.make("croutes")
        try await withTeardown(await h.finish()) { () async throws in
            let amazon = try await h.insertAccount(
                name: "amz", marketplace: "amazon", settings: #"{"seller_id": "S1", "marketplace_ids": ["M1"]}"#,
                credentials: "{}")
            let zortout = try await h.insertAccount(
                name: "zo", marketplace: "zortout", settings: #"{"warehouse_code": "W1"}"#, credentials: "{}")
            let job = try await h.insertJob(state: "failed", accountID: amazon, error: "boom")
            for user in ConsoleHarness.users {
                let session = try await h.login(user.login)
                for path in Self.pages(amazon: amazon, zortout: zortout, job: job) {
                    let response = try await h.get(path, as: session)
                    #expect(response.status == 200, "\(user.login) GET \(path): \(response.status)")
                }
                let inbox = try await h.get("/notifications", as: session)
                #expect(inbox.status == (user.integration ? 200 : 403), "\(user.login) GET /notifications")
            }
        }
    }

    @Test func viewersSeeNoActionAndTheirForgedPostsAreRefused() async throws {
        let h = try await ConsoleHarness.make("cviewer")
        try await withTeardown(await h.finish()) { () async throws in
            let amazon = try await h.insertAccount(
                name: "amz", marketplace: "amazon", settings: #"{"seller_id": "S1", "marketplace_ids": ["M1"]}"#,
                credentials: "{}")
            let job = try await h.insertJob(state: "failed", accountID: amazon, error: "boom")
            let schedule = try #require(try await h.scalar("SELECT min(id)::text AS v FROM marketplace_schedule"))
            let viewer = try await h.login("viewer-int")
            for path in [
                "/jobs/\(job)", "/jobs?type=system.noop&state=failed", "/accounts/\(amazon)", "/accounts/\(amazon)/amazon",
                "/schedules", "/notifications",
            ] {
                let body = try await h.get(path, as: viewer).body
                // The only form a viewer gets is the logout button.
                let forms = body.components(separatedBy: "<form method=\"post\"").count - 1
                #expect(forms == 1, "\(path) shows \(forms - 1) action form(s) to a viewer")
                #expect(!body.contains("<button type=\"submit\" id=\"retry\""))
            }
            let forged: [(String, [String: String])] = [
                ("/jobs/\(job)/retry", [:]), ("/jobs/\(job)/set-done", [:]), ("/jobs/\(job)/cancel", [:]),
                ("/jobs/\(job)/run-now", [:]), ("/jobs/retry-failed", ["type": "system.noop"]),
                ("/accounts/\(amazon)/settings", ["seller_id": "X"]), ("/accounts/\(amazon)/amazon/sync-products", [:]),
                ("/accounts/\(amazon)/test-connection", [:]), ("/schedules/\(schedule)/disable", [:]),
                ("/notifications/ack-all", [:]),
            ]
            for (path, fields) in forged {
                #expect(try await h.post(path, fields, as: viewer).status == 403, "viewer POST \(path)")
            }
            #expect(try await h.scalar("SELECT state AS v FROM marketplace_job WHERE id = $1", [job]) == "failed")
            // Operators act on jobs but do not configure accounts.
            let operatorSession = try await h.login("operator")
            #expect(try await h.post("/accounts/\(amazon)/settings", ["seller_id": "X"], as: operatorSession).status == 403)
            #expect(
                try await h.scalar("SELECT settings->>'seller_id' AS v FROM marketplace_account WHERE id = $1", [amazon]) == "S1")
            #expect(try await h.scalar("SELECT count(*)::text AS v FROM console_audit") == "0")
        }
    }

    @Test func badInputGetsAClear4xxAndTheServerGoesOn() async throws {
        var security = ConsoleSecurity()
        security.maxBodyBytes = 4096
        let h = try await ConsoleHarness.make("cbad", security: security)
        try await withTeardown(await h.finish()) { () async throws in
            let session = try await h.login("admin")
            let cases: [(String, Int)] = [
                ("/jobs/999999", 404), ("/jobs/abc", 400), ("/jobs/-3", 400), ("/jobs?state=sleeping", 400),
                ("/jobs?before=x", 400), ("/accounts/424242", 404), ("/nowhere", 404), ("/static/nothing.css", 404),
                ("/static/../../etc/passwd", 404), ("/static/..%2F..%2Fetc%2Fpasswd", 400), ("/static/a/b", 400),
            ]
            for (path, status) in cases {
                let response = try await h.get(path, as: session)
                #expect(response.status == status, "GET \(path): \(response.status)")
                #expect(response.body.contains("id=\"error-message\""), "GET \(path) has no error page")
                #expect(!response.body.contains("root:"), "GET \(path) leaked a file")
            }
            let big = String(repeating: "x", count: 10_000)
            #expect(try await h.post("/jobs/1/retry", ["pad": big], as: session).status == 413)
            let malformed = try await h.client.send(
                "POST", "/jobs/1/retry", body: Data("csrf=%zz".utf8), cookie: session.cookie)
            #expect(malformed.status == 400)
            let json = try await h.client.send(
                "POST", "/jobs/1/retry", body: Data("{}".utf8), cookie: session.cookie, contentType: "application/json")
            #expect(json.status == 400)
            #expect(try await h.post("/jobs/999999/retry", as: session).status == 404)
            #expect(try await h.post("/jobs", as: session).status == 405)
            #expect(try await h.client.send("DELETE", "/jobs", body: nil, cookie: session.cookie).status == 405)
            // Still serving.
            #expect(try await h.get("/", as: session).status == 200)
        }
    }

    @Test func theJobListPagesByKeysetWithFilters() async throws {
        let h = try await ConsoleHarness.make("cpages")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, name, state, error, finished_at)
                SELECT 'system.noop', 'n' || g, CASE WHEN g % 3 = 0 THEN 'failed' ELSE 'done' END,
                       CASE WHEN g % 3 = 0 THEN 'boom ' || g END, now()
                  FROM generate_series(1, 120) g
                """)
            let session = try await h.login("viewer")
            var seen: [Int] = []
            var path: String? = "/jobs?state=failed"
            while let next = path {
                let page = try await h.get(next, as: session)
                #expect(page.status == 200)
                seen += Self.jobIDs(page.body)
                path = Self.nextLink(page.body)
            }
            #expect(seen.count == 40)
            #expect(seen == seen.sorted(by: >))
            #expect(Set(seen).count == 40)
            let search = try await h.get("/jobs?q=boom%2099", as: session)
            #expect(Self.jobIDs(search.body).count == 1)
            let byID = try await h.get("/jobs?q=\(seen[0])", as: session)
            #expect(Self.jobIDs(byID.body) == [seen[0]])
        }
    }

    static func jobIDs(_ body: String) -> [Int] {
        body.matches(of: /<tr><td><a href="\/jobs\/(\d+)">/).compactMap { Int($0.1) }
    }

    static func nextLink(_ body: String) -> String? {
        body.firstMatch(of: /id="next-page" href="([^"]+)"/).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") }
    }
}
