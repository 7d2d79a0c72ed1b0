import Foundation
import Postgres
import TestSupport
import Testing

/// Schedules run by real worker processes: no leader, exactly one run per
/// slot, a killed process changes nothing, long jobs are not piled up.
@Suite("Schedules across worker processes", .serialized)
struct ScheduleProcessTests {
    /// Seconds from the database's clock to `t0` (negative once passed).
    func secondsUntil(_ h: EndToEndHarness, _ t0: Date, plus offset: Double) async throws -> Double {
        try #require(
            try await h.connection.query(
                "SELECT extract(epoch FROM $1::timestamptz + make_interval(secs => $2) - now())::float8 AS s", [t0, offset]
            ).first
        )
        .decode(Double.self, "s")
    }

    func waitUntil(_ h: EndToEndHarness, _ t0: Date, plus offset: Double) async throws {
        let left = try await secondsUntil(h, t0, plus: offset)
        if left > 0 { try await Task.sleep(for: .milliseconds(Int(left * 1000) + 20)) }
    }

    func automaticAccount(_ h: EndToEndHarness, automatic: Bool = true) async throws -> Int64 {
        try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_account (name, marketplace, settings)
                VALUES ('scheduled', 'testmarket', jsonb_build_object('automatic', $1::boolean)) RETURNING id
                """, [automatic]
            ).first
        ).decode(Int64.self, "id")
    }

    @Test(
        "three worker processes over 5 intervals of 2 s enqueue exactly 5 runs per schedule; kill -9 of the last enqueuer changes nothing"
    )
    func threeProcessesExactlyOncePerSlot() async throws {
        let h = try await EndToEndHarness.make("sched3")
        let account = try await automaticAccount(h)
        // The processes start first (a loaded machine can take seconds to start
        // three), then the schedules get their first slot 2 s after all are up.
        // The three enqueuers take no job of the scheduled type: a job that a
        // killed process held would block its schedule's next slot until its
        // lease ran out (a correct skip, but not what this test is about).
        // A fourth process runs the jobs and no schedules.
        let names = ["w1", "w2", "w3"]
        let enqueuers = try names.map {
            try h.worker(["--worker-id", $0, "--lease", "2", "--concurrency", "4", "--types", "system.noop"])
        }
        let runner = try h.worker(["--worker-id", "runner", "--concurrency", "4", "--types", "test.record", "--no-schedules"])
        let processes = enqueuers + [runner]
        let workers = Dictionary(uniqueKeysWithValues: zip(names, enqueuers))
        #expect(
            try await eventually(timeout: .seconds(60)) {
                processes.allSatisfy { $0.output.contains("worker starting") }
            }, "\(processes.map { $0.output.suffix(800) })")
        // Two system schedules and one account schedule.
        let t0 = try #require(
            try await h.connection.query("SELECT date_trunc('second', now()) + interval '3 seconds' AS t").first
        )
        .decode(Date.self, "t")
        let ids = try await h.connection.query(
            """
            INSERT INTO marketplace_schedule (account_id, job_type, payload, interval_seconds, next_run_at)
            VALUES (NULL, 'test.record', '{}', 2, $1), (NULL, 'test.record', '{"sleep_ms": 10}', 2, $1),
                   ($2, 'test.record', '{}', 2, $1)
            RETURNING id
            """, [t0, account]
        ).rows.map { try $0.decode(Int64.self, "id") }
        try await withTeardown(await h.finish(processes)) { () async throws in

            // After the third slot, kill -9 whichever process enqueued the latest run.
            try await waitUntil(h, t0, plus: 4.6)
            let last = try #require(
                try await h.connection.query(
                    """
                    SELECT last_enqueued_by FROM marketplace_schedule WHERE id = ANY($1) ORDER BY last_enqueued_at DESC LIMIT 1
                    """, [ids]
                ).first?["last_enqueued_by"] as String?)
            let victim = try #require(workers[last])
            victim.signal(SIGKILL)
            _ = await victim.waitForExit()

            // Slots at t0 + 0, 2, 4, 6, 8. Wait until every schedule has passed
            // its fifth slot (a loaded machine may get there late), then stop them.
            #expect(
                try await eventually(timeout: .seconds(60)) {
                    try await h.count(
                        """
                        SELECT count(*) AS n FROM marketplace_schedule
                         WHERE id = ANY($1) AND next_run_at > $2::timestamptz + interval '8 seconds'
                        """, [ids, t0]) == ids.count
                }, "\(processes.map { $0.output.suffix(800) })")
            try await h.connection.execute("UPDATE marketplace_schedule SET enabled = false WHERE id = ANY($1)", [ids])
            // Each run's name records the slot it was enqueued for; a sixth slot
            // reached before the UPDATE above is outside the five intervals.
            let slotSQL = """
                SELECT floor(extract(epoch FROM split_part(name, ' at ', 2)::timestamptz - $2::timestamptz) / 2)::int AS slot
                  FROM marketplace_job WHERE name LIKE 'schedule ' || $1 || ' at %' ORDER BY id
                """
            for id in ids {
                let runs = try await h.connection.query(slotSQL, [id, t0]).rows.map { try $0.decode(Int.self, "slot") }
                #expect(
                    runs.filter { $0 < 5 } == [0, 1, 2, 3, 4],
                    "schedule \(id): runs in slots \(runs); \(processes.map { $0.output.suffix(600) })")
                #expect(try await h.count("SELECT run_count AS n FROM marketplace_schedule WHERE id = $1", [id]) == runs.count)
                #expect(try await h.count("SELECT skip_count AS n FROM marketplace_schedule WHERE id = $1", [id]) == 0)
            }
            #expect(
                try await h.count(
                    "SELECT count(DISTINCT last_enqueued_by) AS n FROM marketplace_schedule WHERE id = ANY($1)", [ids]) >= 1)
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM marketplace_job
                     WHERE account_id = $1 AND split_part(name, ' at ', 2)::timestamptz < $2::timestamptz + interval '10 seconds'
                    """, [account, t0]) == 5)
            // Every scheduled job runs.
            #expect(
                try await eventually(timeout: .seconds(60)) {
                    try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state <> 'done'") == 0
                }, "\(processes.map { $0.output.suffix(800) })")
        }
    }

    @Test("a schedule whose job runs longer than the interval is skipped, not piled up")
    func longJobIsSkipped() async throws {
        let h = try await EndToEndHarness.make("schedlong")
        let t0 = try #require(
            try await h.connection.query("SELECT date_trunc('second', now()) + interval '2 seconds' AS t").first
        )
        .decode(Date.self, "t")
        let id = try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_schedule (job_type, payload, interval_seconds, next_run_at)
                VALUES ('test.record', '{"sleep_ms": 40000}', 2, $1) RETURNING id
                """, [t0]
            ).first
        ).decode(Int64.self, "id")
        let a = try h.worker(["--worker-id", "a", "--concurrency", "4"])
        let b = try h.worker(["--worker-id", "b", "--concurrency", "4"])
        try await withTeardown(await h.finish([a, b])) { () async throws in
            // Slot t0 + 0 runs, for 40 s; every slot after it (+ 2, + 4, …) is skipped
            // while that job is pending or running. A loaded worker may reach a slot
            // late, so wait for the second skip rather than reading at a set time.
            try await waitUntil(h, t0, plus: 5)
            let skipped = try await eventually(timeout: .seconds(25)) {
                try await h.count("SELECT skip_count AS n FROM marketplace_schedule WHERE id = $1", [id]) >= 2
            }
            #expect(skipped, "\([a, b].map { $0.output.suffix(800) })")
            let row = try #require(
                try await h.connection.query(
                    "SELECT run_count, skip_count FROM marketplace_schedule WHERE id = $1", [id]
                ).first)
            #expect(try row.decode(Int.self, "run_count") == 1)
            #expect(
                try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE name LIKE 'schedule ' || $1 || ' at %'", [id])
                    == 1)
            #expect(
                try await eventually {
                    try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'running'") == 1
                })
        }
    }

    @Test("an account schedule waits while settings.automatic is off and starts when it is turned on")
    func automaticOffRunsNothing() async throws {
        let h = try await EndToEndHarness.make("schedoff")
        let account = try await automaticAccount(h, automatic: false)
        try await h.connection.execute(
            """
            INSERT INTO marketplace_schedule (account_id, job_type, interval_seconds, next_run_at)
            VALUES ($1, 'test.record', 1, now())
            """, [account])
        let worker = try h.worker(["--worker-id", "off"])
        try await withTeardown(await h.finish([worker])) { () async throws in
            try await Task.sleep(for: .seconds(3))
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job") == 0)
            try await h.connection.execute(
                "UPDATE marketplace_account SET settings = '{\"automatic\": true}' WHERE id = $1", [account])
            #expect(
                try await eventually(timeout: .seconds(20)) {
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE account_id = $1 AND state = 'done'", [account]) >= 1
                }, "\(worker.output.suffix(2000))")
        }
    }
}
