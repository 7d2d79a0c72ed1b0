import Foundation
import HTTPClient
import Postgres
import TestSupport
import Testing

/// `jobctl users` and `console serve` as the real binaries.
@Suite struct ConsoleProcessTests {
    /// Runs `jobctl users …` with `password` on stdin (never in the arguments).
    func users(_ h: EndToEndHarness, _ arguments: [String], password: String?) async throws -> (status: Int32, output: String) {
        let jobctl = try ChildProcess.binary("jobctl")
        let feed = password.map { _ in "printf '%s\\n' \"$MJ_TEST_PASSWORD\" | " } ?? ": | "
        let command =
            feed + "\"$MJ_JOBCTL\" users " + arguments.map { "'\($0)'" }.joined(separator: " ")
            + " --database-url '\(h.db.url)'"
        return try await ChildProcess.run(
            "/bin/sh", ["-c", command], environment: ["MJ_JOBCTL": jobctl, "MJ_TEST_PASSWORD": password ?? ""])
    }

    @Test func jobctlUsersAddsListsChangesAndDisablesLogins() async throws {
        let h = try await EndToEndHarness.make("cusers")
        try await withTeardown(await h.finish()) { () async throws in
            let added = try await users(h, ["add", "ann", "--role", "operator", "--integration"], password: "s3cret-password")
            #expect(added.status == 0, "\(added.output)")
            #expect(added.output.contains("console user ann added (operator, integration group)"))
            let row = try #require(
                try await h.connection.query(
                    "SELECT password_hash, password_hash = crypt('s3cret-password', password_hash) AS ok FROM console_user WHERE login = 'ann'"
                ).first)
            #expect(row["password_hash"]?.hasPrefix("$2a$12$") == true, "bcrypt with cost 12")
            #expect(row["ok"] == "t")
            #expect(try await users(h, ["add", "ann", "--role", "viewer"], password: "another-password").status == 3)
            #expect(try await users(h, ["add", "bob", "--role", "root"], password: "another-password").status == 4)
            #expect(try await users(h, ["add", "bob", "--role", "viewer"], password: "short").status == 4)
            #expect(try await users(h, ["add", "bob", "--role", "viewer"], password: nil).status == 4)
            #expect(try await users(h, ["set-role", "ann", "admin"], password: nil).status == 0)
            #expect(try await users(h, ["set-role", "nobody", "admin"], password: nil).status == 2)
            let list = try await users(h, ["list"], password: nil)
            #expect(list.output.contains("ann"))
            #expect(list.output.contains("admin"))
            #expect(!list.output.contains("$2a$"))
            #expect(try await users(h, ["disable", "ann"], password: nil).status == 0)
            #expect(try await h.count("SELECT count(*) AS n FROM console_user WHERE login = 'ann' AND disabled") == 1)
        }
    }

    @Test func consoleServeAnswersAndRefusesALoginRoleWithoutTheConsoleRole() async throws {
        let h = try await EndToEndHarness.make("cserve")
        try await withTeardown(await h.finish()) { () async throws in
            let console = try ChildProcess(
                executable: "console", arguments: ["serve", "--port", "0", "--database-url", h.db.url])
            defer { console.terminateIfRunning() }
            var url: URL?
            _ = try await eventually(timeout: .seconds(60)) {
                if let match = console.output.firstMatch(of: /serving (http:\/\/127\.0\.0\.1:\d+\/)/) {
                    url = URL(string: String(match.1))
                }
                return url != nil || !console.isRunning
            }
            let base = try #require(url, "console did not start: \(console.output)")
            let login = try await URLSessionHTTPClient().send(HTTPRequest(url: base.appendingPathComponent("login")))
            #expect(login.status == 200)
            #expect(String(decoding: login.body, as: UTF8.self).contains("Log in"))
            console.terminateIfRunning()

            // A login role that is not a member of marketplace_console cannot run the console.
            let role = "console_probe_\(UUID().uuidString.prefix(8).lowercased())"
            try await h.connection.execute("CREATE ROLE \(role) LOGIN")
            let refused = try await ChildProcess.run(
                "console", ["serve", "--port", "0", "--database-url", "postgresql:///\(h.db.name)?user=\(role)"])
            try await h.connection.execute("DROP ROLE \(role)")
            #expect(refused.status == 5, "\(refused.output)")
            #expect(refused.output.contains("GRANT marketplace_console"))
        }
    }
}
