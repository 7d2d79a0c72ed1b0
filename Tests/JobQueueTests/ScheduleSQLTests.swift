import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// `marketplace_schedule`, the default schedules per account, and the claim
/// function `marketplace_run_schedules`, driven by SQL alone.
@Suite("Schedules in SQL")
struct ScheduleSQLTests {
    func schedules(_ h: WorkerHarness, account: Int64) async throws -> [PostgresRow] {
        try await h.connection.query(
            """
            SELECT id, job_type, interval_seconds, enabled, origin, extract(epoch FROM next_run_at - now()) AS due_in
              FROM marketplace_schedule WHERE account_id = $1 ORDER BY id
            """, [account]
        ).rows
    }

    func account(_ h: WorkerHarness, _ marketplace: String, _ settings: String) async throws -> Int64 {
        try #require(
            try await h.connection.query(
                "INSERT INTO marketplace_account (name, marketplace, settings) VALUES ('acct', $1, $2::jsonb) RETURNING id",
                [marketplace, PostgresJSON(text: settings)]
            ).first
        ).decode(Int64.self, "id")
    }

    @Test("inserting an account creates its default schedule; changing the interval setting changes it")
    func defaultsFollowSettings() async throws {
        let h = try await WorkerHarness.make("schdefaults")
        try await withTeardown(await h.finish()) { () async throws in
            let zortout = try await account(h, "zortout", "{}")
            let amazon = try await account(h, "amazon", #"{"interval_seconds": 900}"#)
            let other = try await account(h, "sell_offer", "{}")
            let z = try await schedules(h, account: zortout)
            #expect(z.count == 1)
            #expect(z.first?["job_type"] == "zortout.pull_stock")
            #expect(try z.first?.decode(Int.self, "interval_seconds") == 600)
            #expect(z.first?["origin"] == "default")
            let a = try await schedules(h, account: amazon)
            // Catalog and orders (0010), both at the account's interval; settlements daily (0011).
            #expect(a.map { $0["job_type"] } == ["amazon.catalog_sync", "amazon.orders_sync", "amazon.settlements"])
            #expect(try a.map { try $0.decode(Int.self, "interval_seconds") } == [900, 900, 86400])
            #expect(try await schedules(h, account: other).isEmpty)

            // A later interval applies at once (next run no later than now + interval); other setting changes leave the row.
            try await h.connection.execute(
                """
                UPDATE marketplace_schedule SET next_run_at = now() + interval '500 seconds' WHERE account_id = $1
                """, [zortout])
            try await h.connection.execute(
                """
                UPDATE marketplace_account SET settings = '{"pull_interval_seconds": 120, "automatic": true}' WHERE id = $1
                """, [zortout])
            let changed = try #require(try await schedules(h, account: zortout).first)
            #expect(try changed.decode(Int.self, "interval_seconds") == 120)
            #expect(try changed.decode(Double.self, "due_in") <= 120)
            try await h.connection.execute(
                "UPDATE marketplace_account SET settings = settings || '{\"warehouse_code\": \"W\"}' WHERE id = $1", [zortout])
            #expect(try await schedules(h, account: zortout).count == 1)
        }
    }

    @Test("bad settings the database reads are refused with the key named")
    func badSettingsRefused() async throws {
        let h = try await WorkerHarness.make("schbad")
        try await withTeardown(await h.finish()) { () async throws in
            for (marketplace, settings, key) in [
                ("zortout", #"{"pull_interval_seconds": "ten"}"#, "pull_interval_seconds"),
                ("zortout", #"{"pull_interval_seconds": 0}"#, "pull_interval_seconds"),
                ("amazon", #"{"interval_seconds": 2.5}"#, "interval_seconds"),
                ("sell_offer", #"{"automatic": "yes"}"#, "automatic"),
                ("zortout", #"{"webhook_url": "ftp://x"}"#, "webhook_url"),
            ] {
                do {
                    _ = try await account(h, marketplace, settings)
                    Issue.record("\(settings) was accepted")
                } catch let error as PostgresError {
                    #expect(error.sqlState == PostgresServerError.checkViolation)
                    #expect("\(error)".contains("settings.\(key)"), "\(error)")
                }
            }
        }
    }

    /// Makes one schedule of `test.record` due now; returns its id.
    func dueSchedule(_ h: WorkerHarness, account: Int64? = nil, interval: Int = 60, dueAgo: Double = 0) async throws -> Int64 {
        try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_schedule (account_id, job_type, interval_seconds, next_run_at)
                VALUES ($1, 'test.record', $2, now() - make_interval(secs => $3)) RETURNING id
                """, [account, interval, dueAgo]
            ).first
        ).decode(Int64.self, "id")
    }

    func run(_ connection: PostgresConnection) async throws -> [PostgresRow] {
        try await connection.query("SELECT * FROM marketplace_run_schedules('test')").rows
    }

    @Test("an account schedule runs only while settings.automatic is true and sync is enabled")
    func automaticFlagGates() async throws {
        let h = try await WorkerHarness.make("schauto")
        try await withTeardown(await h.finish()) { () async throws in
            let acct = try await account(h, "sell_offer", "{}")
            let schedule = try await dueSchedule(h, account: acct)
            #expect(try await run(h.connection).isEmpty)
            try await h.connection.execute(
                "UPDATE marketplace_account SET settings = '{\"automatic\": false}' WHERE id = $1", [acct])
            #expect(try await run(h.connection).isEmpty)
            try await h.connection.execute(
                "UPDATE marketplace_account SET settings = '{\"automatic\": true}', sync_enabled = false WHERE id = $1", [acct])
            #expect(try await run(h.connection).isEmpty)
            try await h.connection.execute("UPDATE marketplace_account SET sync_enabled = true WHERE id = $1", [acct])
            let ran = try await run(h.connection)
            #expect(ran.count == 1)
            #expect(try ran.first?.decode(Int64.self, "schedule_id") == schedule)
            let jobID = try #require(ran.first).decode(Int64.self, "job_id")
            let job = try #require(
                try await h.connection.query(
                    "SELECT account_id, job_type FROM marketplace_job WHERE id = $1", [jobID]
                ).first)
            #expect(try job.decode(Int64.self, "account_id") == acct)
            #expect(job["job_type"] == "test.record")
        }
    }

    @Test("after downtime a schedule runs once and its next slot stays on the original grid")
    func noBurstNoDrift() async throws {
        let h = try await WorkerHarness.make("schgrid")
        try await withTeardown(await h.finish()) { () async throws in
            let schedule = try await dueSchedule(h, interval: 600, dueAgo: 3_630)  // 6 slots and 30 s missed
            let before = try #require(
                try await h.connection.query(
                    "SELECT extract(epoch FROM next_run_at) AS t FROM marketplace_schedule WHERE id = $1", [schedule]
                ).first
            ).decode(Double.self, "t")
            #expect(try await run(h.connection).count == 1)
            #expect(try await run(h.connection).isEmpty)
            let row = try #require(
                try await h.connection.query(
                    """
                    SELECT extract(epoch FROM next_run_at) AS t, extract(epoch FROM next_run_at - now()) AS due_in, run_count
                      FROM marketplace_schedule WHERE id = $1
                    """, [schedule]
                ).first)
            let slots = (try row.decode(Double.self, "t") - before) / 600
            #expect(abs(slots - 7) < 0.001, "moved by \(slots) intervals")
            #expect(try row.decode(Double.self, "due_in") > 0)
            #expect(try row.decode(Int.self, "run_count") == 1)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.record'") == 1)
        }
    }

    @Test("while the last job is pending or running the slot is skipped and counted")
    func skipWhileBusy() async throws {
        let h = try await WorkerHarness.make("schskip")
        try await withTeardown(await h.finish()) { () async throws in
            let schedule = try await dueSchedule(h, interval: 60)
            let first = try #require(try await run(h.connection).first).decode(Int64.self, "job_id")
            for state in ["pending", "running"] {
                try await h.connection.execute("UPDATE marketplace_job SET state = $2 WHERE id = $1", [first, state])
                try await h.connection.execute("UPDATE marketplace_schedule SET next_run_at = now() WHERE id = $1", [schedule])
                let turn = try #require(try await run(h.connection).first)
                #expect(try turn.decode(Bool.self, "skipped"))
            }
            try await h.connection.execute(
                "UPDATE marketplace_job SET state = 'done', finished_at = now() WHERE id = $1", [first])
            try await h.connection.execute("UPDATE marketplace_schedule SET next_run_at = now() WHERE id = $1", [schedule])
            let again = try #require(try await run(h.connection).first)
            #expect(try !again.decode(Bool.self, "skipped"))
            let row = try #require(
                try await h.connection.query(
                    "SELECT run_count, skip_count, last_job_id FROM marketplace_schedule WHERE id = $1", [schedule]
                ).first)
            #expect(try row.decode(Int.self, "run_count") == 2)
            #expect(try row.decode(Int.self, "skip_count") == 2)
            #expect(try row.decode(Int64.self, "last_job_id") == again.decode(Int64.self, "job_id"))
        }
    }

    @Test("40 concurrent claims over 25 due schedules enqueue one job each")
    func concurrentClaimsEnqueueOnce() async throws {
        let h = try await WorkerHarness.make("schrace")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.connection.execute(
                """
                INSERT INTO marketplace_schedule (job_type, interval_seconds, next_run_at)
                SELECT 'test.record', 3600, now() FROM generate_series(1, 25)
                """)
            var connections: [PostgresConnection] = []
            for _ in 0..<8 { connections.append(try await h.db.connect()) }
            let totals = try await withThrowingTaskGroup(of: Int.self) { group in
                for round in 0..<40 {
                    let connection = connections[round % connections.count]
                    group.addTask {
                        try await connection.query("SELECT * FROM marketplace_run_schedules('r\(round)')").rows.count
                    }
                }
                return try await group.reduce(0, +)
            }
            for connection in connections { await connection.close() }
            #expect(totals == 25)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job") == 25)
            #expect(
                try await h.count("SELECT count(*) AS n FROM marketplace_schedule WHERE run_count = 1 AND next_run_at > now()")
                    == 25)
        }
    }
}
