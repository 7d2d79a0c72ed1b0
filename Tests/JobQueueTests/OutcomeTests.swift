import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// Each row of the outcomes table in the README, against a real database.
@Suite("Job outcomes")
struct OutcomeTests {
    @Test("success: done, result and finished_at written, lease cleared")
    func success() async throws {
        let h = try await WorkerHarness.make("success")
        try await withTeardown(await h.finish()) {
            let id = try await h.insert("test.shape", #"{"items": [{"sku": "A1", "qty": 2}]}"#)
            try await h.drain(testRegistry())
            let row = try await h.job(id)
            #expect(row["state"] == "done")
            #expect(row["result_text"] == #"{"count": 1}"#)
            #expect(row["finished_at"] != nil)
            #expect(row["locked_by"] == nil && row["locked_until"] == nil)
            #expect(row["attempts"] == "1")
        }
    }

    @Test("failing twice then succeeding ends done with attempts = 3 and two errors in the history")
    func flakyThenDone() async throws {
        let h = try await WorkerHarness.make("flaky")
        try await withTeardown(await h.finish()) {
            let id = try await h.insert("test.flaky", #"{"fail_times": 2}"#)
            let worker = h.background(testRegistry(), h.configuration(exitWhenIdle: false, retryBase: .milliseconds(50)))
            try await withTeardown(await stopAndWait(worker)) {
                #expect(try await eventually { try await h.state(id) == "done" })
                let row = try await h.job(id)
                #expect(row["attempts"] == "3")
                #expect(row["history"] == "2")
                #expect(row["error"] == nil)
                #expect(row["errors_text"]?.contains("flaky failure on attempt 1") == true)
                #expect(row["errors_text"]?.contains("flaky failure on attempt 2") == true)
                #expect(row["result_text"] == #"{"succeeded_on": 3}"#)
            }
        }
    }

    @Test("an always-failing job ends failed at max_attempts, its retries spaced by the backoff")
    func alwaysFailing() async throws {
        let h = try await WorkerHarness.make("alwaysfail")
        try await withTeardown(await h.finish()) {
            let recorder = Recorder()
            let id = try await h.insert("test.fail", extra: "max_attempts", values: "3")
            let configuration = h.configuration(exitWhenIdle: false, retryBase: .seconds(3), jitter: 0)
            let worker = h.background(testRegistry(recorder), configuration)
            try await withTeardown(await stopAndWait(worker)) {
                // Between attempts 1 and 2 the row waits 3 s, pending with one attempt
                // spent: read it then (polling, so no worker timing is assumed).
                var gap: Double?
                #expect(
                    try await eventually(every: .milliseconds(20)) {
                        let row = try await h.connection.query(
                            """
                            SELECT extract(epoch FROM next_run_at - started_at)::float8 AS gap FROM marketplace_job
                             WHERE id = $1 AND state = 'pending' AND attempts = 1
                            """, [id]
                        ).first
                        gap = try row?.decode(Double.self, "gap")
                        return gap != nil
                    }, "the job was never seen pending after its first attempt")
                // next_run_at sits one backoff (3 s) after the failed attempt: at least 3 s
                // after the handler started, and not much more than that plus the time
                // the attempt and its write took.
                let firstGap = try #require(gap)
                #expect(firstGap >= 3 && firstGap < 6, "next_run_at is \(firstGap) s after the failed attempt's start")
                #expect(try await eventually { try await h.state(id) == "failed" })
                let row = try await h.job(id)
                #expect(row["attempts"] == "3")
                #expect(row["history"] == "3")
                #expect(row["error"]?.contains("upstream is broken") == true)
                #expect(row["error"]?.contains("attempt 3 of 3; no attempts left") == true)
                // base 3 s doubling: attempt 2 starts ≥ 3 s after attempt 1 failed, attempt 3
                // ≥ 6 s after attempt 2 (the handler fails at once, so start ≈ failure).
                let starts = recorder.attemptStarts(id)
                try #require(starts.count == 3, "attempt starts recorded: \(starts.count)")
                #expect(starts[1] - starts[0] >= .seconds(3), "gap 1: \(starts[1] - starts[0])")
                #expect(starts[2] - starts[1] >= .seconds(6), "gap 2: \(starts[2] - starts[1])")
            }
        }
    }

    @Test("a permanent error fails the job at once")
    func permanent() async throws {
        let h = try await WorkerHarness.make("permanent")
        try await withTeardown(await h.finish()) {
            let id = try await h.insert("test.permanent")
            try await h.drain(testRegistry())
            let row = try await h.job(id)
            #expect(row["state"] == "failed")
            #expect(row["attempts"] == "1")
            #expect(row["error"] == "credentials rejected")
        }
    }

    @Test("a retry-after error comes back at the given time without spending an attempt")
    func retryAfter() async throws {
        let h = try await WorkerHarness.make("retryafter")
        try await withTeardown(await h.finish()) {
            let id = try await h.insert("test.ratelimited", #"{"retry_after_ms": 700}"#, extra: "max_attempts", values: "1")
            let worker = h.background(testRegistry(), h.configuration(exitWhenIdle: false))
            try await withTeardown(await stopAndWait(worker)) {
                #expect(try await eventually { try await h.state(id) == "done" })
                let row = try await h.job(id)
                // max_attempts = 1: had the 429 spent the attempt, the job would have failed.
                #expect(row["attempts"] == "1")
                #expect(row["history"] == "1")
                #expect(row["errors_text"]?.contains("\"kind\": \"snooze\"") == true)
                // The last claim cannot come before Retry-After (0.7 s after the first
                // attempt failed, which was after the job was created).
                let waited = try #require(
                    try await h.connection.query(
                        """
                        SELECT extract(epoch FROM started_at - created_at)::float8 AS w FROM marketplace_job WHERE id = $1
                        """, [id]
                    ).first
                ).decode(Double.self, "w")
                #expect(waited >= 0.7, "claimed again \(waited) s after creation")
            }
        }
    }

    @Test("an attempt past its timeout is cancelled and counted as a failed attempt")
    func timeout() async throws {
        let h = try await WorkerHarness.make("timeout")
        try await withTeardown(await h.finish()) {
            let recorder = Recorder()
            let id = try await h.insert("test.slow", #"{"ms": 20000}"#, extra: "max_attempts", values: "1")
            try await h.drain(testRegistry(recorder), h.configuration(timeouts: ["test.slow": .milliseconds(300)]))
            let row = try await h.job(id)
            #expect(row["state"] == "failed")
            #expect(row["error"]?.contains("timed out after") == true)
            #expect(recorder.cancelledIDs.contains(id))
        }
    }

    @Test("credential values never reach the error or result columns")
    func secretsAreScrubbed() async throws {
        let h = try await WorkerHarness.make("scrub")
        try await withTeardown(await h.finish()) {
            let secret = "sk-live-4f9a-SECRET-77"
            let account = try #require(
                try await h.connection.query(
                    """
                    INSERT INTO marketplace_account (name, marketplace, credentials) VALUES ('shop', 'zortout', $1::jsonb) RETURNING id
                    """, [PostgresJSON(text: #"{"api_key": "\#(secret)"}"#)]
                ).first
            ).decode(Int64.self, "id")
            let failing = try await h.insert("test.leaky", #"{"fail": true}"#, extra: "account_id", values: "\(account)")
            let succeeding = try await h.insert("test.leaky", #"{"fail": false}"#, extra: "account_id", values: "\(account)")
            try await h.drain(testRegistry())
            let failed = try await h.job(failing)
            #expect(failed["state"] == "failed")
            #expect(failed["error"]?.contains("[redacted]") == true)
            let everything =
                try await h.connection.query("SELECT string_agg(marketplace_job::text, ' ') AS all FROM marketplace_job").first?[
                    "all"] ?? ""
            #expect(!everything.contains(secret))
            #expect(try await h.job(succeeding)["result_text"]?.contains("used [redacted]") == true)
        }
    }

    @Test("a job for an account with sync disabled fails with the fix in the message")
    func syncDisabled() async throws {
        let h = try await WorkerHarness.make("syncoff")
        try await withTeardown(await h.finish()) {
            let account = try #require(
                try await h.connection.query(
                    """
                    INSERT INTO marketplace_account (name, marketplace, sync_enabled) VALUES ('paused', 'zortout', false) RETURNING id
                    """
                ).first
            ).decode(Int64.self, "id")
            let id = try await h.insert("system.noop", extra: "account_id", values: "\(account)")
            try await h.drain(testRegistry())
            let row = try await h.job(id)
            #expect(row["state"] == "failed")
            #expect(row["error"]?.contains("sync_enabled = false") == true)
        }
    }
}
