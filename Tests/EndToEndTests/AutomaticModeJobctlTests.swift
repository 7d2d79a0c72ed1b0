import Foundation
import Postgres
import TestSupport
import Testing

/// The operator's side of automatic mode: `jobctl schedules`, `jobctl
/// notifications`, and manual pulls refused while `settings.automatic` is on.
@Suite("jobctl: schedules, notifications, automatic mode", .serialized)
struct AutomaticModeJobctlTests {
    func zortoutAccount(_ h: EndToEndHarness, automatic: Bool) async throws -> Int64 {
        try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_account (name, marketplace, settings, credentials)
                VALUES ('Zortout TH', 'zortout', jsonb_build_object('automatic', $1::boolean),
                        '{"store_name": "s", "api_key": "k-secret-1", "api_secret": "k-secret-2"}') RETURNING id
                """, [automatic]
            ).first
        ).decode(Int64.self, "id")
    }

    func nextRun(_ h: EndToEndHarness, account: Int64) async throws -> String {
        try #require(
            try await h.connection.query(
                "SELECT next_run_at::text AS t FROM marketplace_schedule WHERE account_id = $1", [account]
            ).first?["t"] as String?)
    }

    @Test("zortout pull refuses an automatic account without --force; manual runs do not move the schedule")
    func pullRefusedInAutomaticMode() async throws {
        let h = try await EndToEndHarness.make("autopull")
        try await withTeardown(await h.finish()) { () async throws in
            let account = try await zortoutAccount(h, automatic: true)
            try await h.connection.execute(
                "UPDATE marketplace_schedule SET next_run_at = now() + interval '5 minutes' WHERE account_id = $1", [account])
            let before = try await nextRun(h, account: account)
            let refused = try await h.jobctl(["zortout", "pull", String(account)])
            #expect(refused.status == 3)
            #expect(refused.output.contains("automatic mode") && refused.output.contains("--force"), "\(refused.output)")
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job") == 0)

            let forced = try await h.jobctl(["zortout", "pull", String(account), "--force"])
            #expect(forced.status == 0, "\(forced.output)")
            let id = try #require(Int64(forced.output.trimmingCharacters(in: .whitespacesAndNewlines)))
            try await h.connection.execute("UPDATE marketplace_job SET state = 'failed' WHERE id = $1", [id])
            #expect(try await h.jobctl(["run-now", String(id)]).status == 0)
            #expect(try await nextRun(h, account: account) == before)
            #expect(try await h.count("SELECT run_count AS n FROM marketplace_schedule WHERE account_id = $1", [account]) == 0)

            let manual = try await zortoutAccount(h, automatic: false)
            #expect(try await h.jobctl(["zortout", "pull", String(manual)]).status == 0)
        }
    }

    @Test("schedules lists and changes rows, with README's exit codes")
    func schedulesCommand() async throws {
        let h = try await EndToEndHarness.make("schedctl")
        try await withTeardown(await h.finish()) { () async throws in
            let account = try await zortoutAccount(h, automatic: false)
            let listed = try await h.jobctl(["schedules", "--json"])
            #expect(listed.status == 0, "\(listed.output)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
            let pull = try #require(rows.first { $0["job_type"] as? String == "zortout.pull_stock" })
            #expect(pull["account_id"] as? Int == Int(account))
            #expect(pull["interval_seconds"] as? Int == 600)
            #expect(pull["active"] as? Bool == false)
            #expect((pull["inactive_reason"] as? String)?.contains("automatic") == true)
            #expect(rows.contains { $0["job_type"] as? String == "system.prune_jobs" && $0["account_id"] == nil })
            #expect(!listed.output.contains("k-secret"))
            let id = String(try #require(pull["id"] as? Int))

            let set = try await h.jobctl(["schedules", "set", id, "--interval", "300"])
            #expect(set.status == 0, "\(set.output)")
            #expect(
                try await h.count("SELECT interval_seconds AS n FROM marketplace_schedule WHERE id = $1::bigint", [id]) == 300)
            #expect(
                try await h.count(
                    "SELECT (next_run_at <= now() + interval '300 seconds')::int AS n FROM marketplace_schedule WHERE id = $1::bigint",
                    [id]) == 1)
            #expect(try await h.jobctl(["schedules", "set", id, "--disable"]).status == 0)
            #expect(
                try await h.count("SELECT (NOT enabled)::int AS n FROM marketplace_schedule WHERE id = $1::bigint", [id]) == 1)
            #expect(try await h.jobctl(["schedules", "set", id, "--enable"]).status == 0)
            #expect(try await h.count("SELECT enabled::int AS n FROM marketplace_schedule WHERE id = $1::bigint", [id]) == 1)

            let missing = try await h.jobctl(["schedules", "set", "987654", "--enable"])
            #expect(missing.status == 2 && missing.output.contains("schedule 987654 does not exist"))
            let zero = try await h.jobctl(["schedules", "set", id, "--interval", "0"])
            #expect(zero.status == 4 && zero.output.contains("--interval"))
            let payload = try await h.jobctl(["schedules", "set", id, "--payload", "[1]"])
            #expect(payload.status == 4)
            #expect(try await h.jobctl(["schedules", "set", id]).status == 64)
            #expect(try await h.jobctl(["schedules", "set", id, "--enable", "--disable"]).status == 64)
            let table = try await h.jobctl(["schedules"])
            #expect(table.status == 0 && table.output.contains("zortout.pull_stock") && table.output.contains("5m 0s"))
        }
    }

    @Test("notifications lists unread ones and ack marks one or all, by the OS user or --by")
    func notificationsCommand() async throws {
        let h = try await EndToEndHarness.make("notifyctl")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.connection.execute(
                "INSERT INTO marketplace_job (job_type, state) VALUES ('test.x', 'running'), ('test.y', 'running')")
            try await h.connection.execute("UPDATE marketplace_job SET state = 'failed', error = 'it broke'")
            let unread = try await h.jobctl(["notifications", "--unread", "--json"])
            #expect(unread.status == 0, "\(unread.output)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(unread.output.utf8)) as? [[String: Any]])
            #expect(rows.count == 2)
            let first = String(try #require(rows.last?["id"] as? Int))
            let ack = try await h.jobctl(["notifications", "ack", first, "--by", "ops-anna"])
            #expect(ack.status == 0 && ack.output.contains("ops-anna"), "\(ack.output)")
            #expect(try await h.jobctl(["notifications", "ack", first]).status == 3)
            #expect(try await h.jobctl(["notifications", "ack", "987654"]).status == 2)
            #expect(try await h.jobctl(["notifications", "ack"]).status == 64)
            let all = try await h.jobctl(["notifications", "ack", "--all"])
            #expect(all.status == 0 && all.output.contains("1 notification(s)"), "\(all.output)")
            let none = try await h.jobctl(["notifications", "--unread"])
            #expect(none.output.contains("no unread notifications"))
            let table = try await h.jobctl(["notifications"])
            #expect(table.output.contains("it broke") && table.output.contains("ops-anna"))
        }
    }
}
