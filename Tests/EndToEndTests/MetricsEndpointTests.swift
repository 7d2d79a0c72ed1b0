import Foundation
import HTTPClient
import Postgres
import TestSupport
import Testing

/// `worker run --metrics-port`: the real worker, a real database, real HTTP
/// on 127.0.0.1. Scrapes `/metrics` while a drain runs and after it, parses
/// the exposition format and checks every family against what the database
/// says happened.
@Suite("Prometheus /metrics", .serialized)
struct MetricsEndpointTests {
    static let secret = "metrics-SECRET-5e8b"
    static let marker = "PAYLOAD-MARKER-91f0"
    static let jobs = 400

    /// Finds the endpoint's URL in the worker's log (`--metrics-port 0` picks the port).
    func endpoint(_ worker: ChildProcess) async throws -> URL {
        var found: URL?
        let listening = try await eventually(timeout: .seconds(60)) {
            let output = worker.output
            guard let range = output.range(of: #"http://127\.0\.0\.1:[0-9]+/metrics"#, options: .regularExpression) else {
                return !worker.isRunning
            }
            found = URL(string: String(output[range]))
            return true
        }
        #expect(listening)
        return try #require(found, "no 'serving metrics' line: \(worker.output.suffix(2000))")
    }

    func scrape(_ url: URL) async throws -> (text: String, parsed: PrometheusExposition) {
        let response = try await URLSessionHTTPClient().send(HTTPRequest(url: url, timeout: .seconds(10)))
        #expect(response.status == 200)
        #expect(response.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = String(decoding: response.body, as: UTF8.self)
        return (text, try PrometheusExposition(text))
    }

    func done(_ scrape: PrometheusExposition) -> Double {
        scrape.value("marketplace_jobs_total", ["job_type": "test.record", "outcome": "done"]) ?? 0
    }

    @Test("a drain moves the counters; every family has its type, its labels and the database's numbers; no secret")
    func scrapeDuringDrain() async throws {
        let h = try await EndToEndHarness.make("metrics")
        try await withTeardown(await h.finish()) { () async throws in
            let account = try #require(
                try await h.connection.query(
                    """
                    INSERT INTO marketplace_account (name, marketplace, credentials)
                    VALUES ('metrics', 'testmarket', jsonb_build_object('api_key', $1::text)) RETURNING id
                    """, [Self.secret]
                ).first
            ).decode(Int64.self, "id")
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, payload, account_id)
                SELECT 'test.record', jsonb_build_object('sleep_ms', 20, 'note', $1::text), $2 FROM generate_series(1, $3::int)
                """, [Self.marker, account, Self.jobs])
            // One permanent failure (a notification), one job due in an hour (pending, not due).
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, payload, account_id, max_attempts) VALUES
                  ('system.sleep', jsonb_build_object('seconds', -1, 'note', $1::text), $2, 1)
                """, [Self.marker, account])
            let future = try #require(
                try await h.connection.query(
                    """
                    INSERT INTO marketplace_job (job_type, payload, next_run_at)
                    VALUES ('system.sleep', '{"seconds": 0}', now() + interval '1 hour') RETURNING id
                    """
                ).first
            ).decode(Int64.self, "id")
            // Two expired leases of a dead worker: one goes back to pending, one (attempts spent) fails.
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, payload, state, attempts, max_attempts, locked_by, locked_until) VALUES
                  ('test.record', '{}', 'running', 1, 5, 'ghost:1', now() - interval '1 minute'),
                  ('test.record', '{}', 'running', 3, 3, 'ghost:1', now() - interval '1 minute')
                """)
            // Two schedules due now: one runs, one is skipped (its last job is still pending).
            try await h.connection.execute(
                """
                INSERT INTO marketplace_schedule (job_type, payload, interval_seconds, next_run_at, last_job_id) VALUES
                  ('system.noop', '{}', 3600, now(), NULL),
                  ('system.noop', '{}', 3600, now(), $1)
                """, [future])

            let worker = try h.worker([
                "--metrics-port", "0", "--metrics-interval", "0.2", "--concurrency", "2", "--worker-id", "metricsw",
            ])
            let url = try await endpoint(worker)

            // During the drain: a scrape with some jobs done, then one with more.
            var first: PrometheusExposition?
            var sawBacklog = false
            #expect(
                try await eventually(every: .milliseconds(20)) {
                    let scrape = try await scrape(url).parsed
                    if (scrape.value("marketplace_queue_due_jobs", ["job_type": "test.record"]) ?? 0) > 0 { sawBacklog = true }
                    guard done(scrape) > 0 else { return false }
                    first = scrape
                    return true
                })
            let firstDone = done(try #require(first))
            #expect(firstDone < Double(Self.jobs), "the drain was over before the first scrape; counters not seen moving")
            #expect(
                try await eventually(every: .milliseconds(20)) {
                    let scrape = try await scrape(url).parsed
                    if (scrape.value("marketplace_queue_due_jobs", ["job_type": "test.record"]) ?? 0) > 0 { sawBacklog = true }
                    return done(scrape) > firstDone
                })
            // The queue gauges (first read one interval after the start) show the backlog while it lasts.
            #expect(
                try await eventually(every: .milliseconds(20)) {
                    let scrape = try await scrape(url).parsed
                    if (scrape.value("marketplace_queue_due_jobs", ["job_type": "test.record"]) ?? 0) > 0 {
                        sawBacklog =
                            (scrape.value("marketplace_queue_oldest_due_age_seconds", ["job_type": "test.record"]) ?? 0) > 0
                        return true
                    }
                    return try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.record' AND state = 'pending'") == 0
                })
            #expect(sawBacklog, "the due-jobs and oldest-age gauges never showed the backlog while it lasted")

            // After the drain: the numbers the database holds.
            let recordDone = Self.jobs + 1  // the rescued job ran too
            #expect(
                try await eventually {
                    try await h.count(
                        "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'test.record' AND state = 'done'")
                        == recordDone
                })
            // The two failures (the permanent one and the rescued job out of attempts)
            // may be written after the last test.record completion: the completer
            // flushes in batches, and a loaded machine runs them in any order.
            let notifications = 2
            #expect(
                try await eventually {
                    try await h.count("SELECT count(*) AS n FROM marketplace_notification") == notifications
                })
            var final: (text: String, parsed: PrometheusExposition)?
            #expect(
                try await eventually {
                    let scrape = try await scrape(url)
                    final = scrape
                    return done(scrape.parsed) == Double(recordDone)
                        && scrape.parsed.value("marketplace_queue_pending_jobs", ["job_type": "test.record"]) == 0
                        // The counter counts what this worker heard on the NOTIFY channel: a
                        // failure notified before its LISTEN connection was up (a loaded
                        // machine can start it late) is not heard, never one too many.
                        && (1...Double(notifications)).contains(scrape.parsed.value("marketplace_notifications_total") ?? 0)
                        && scrape.parsed.value("marketplace_jobs_total", ["job_type": "system.noop", "outcome": "done"]) == 1
                },
                """
                done \(final.map { String(describing: done($0.parsed)) } ?? "?") of \(recordDone); \
                pending \(String(describing: final?.parsed.value("marketplace_queue_pending_jobs", ["job_type": "test.record"]))); \
                notifications \(String(describing: final?.parsed.value("marketplace_notifications_total"))) of \(notifications); \
                noop \(String(describing: final?.parsed.value("marketplace_jobs_total", ["job_type": "system.noop", "outcome": "done"])))
                """)
            let (text, metrics) = try #require(final)

            // Types.
            #expect(metrics.types["marketplace_jobs_total"] == "counter")
            #expect(metrics.types["marketplace_job_duration_seconds"] == "histogram")
            #expect(metrics.types["marketplace_claim_batch_size"] == "histogram")
            #expect(metrics.types["marketplace_queue_pending_jobs"] == "gauge")
            #expect(metrics.types["marketplace_queue_due_jobs"] == "gauge")
            #expect(metrics.types["marketplace_queue_oldest_due_age_seconds"] == "gauge")
            #expect(metrics.types["marketplace_lease_rescues_total"] == "counter")
            #expect(metrics.types["marketplace_schedule_runs_total"] == "counter")
            #expect(metrics.types["marketplace_notifications_total"] == "counter")

            // Outcomes: labels job_type and outcome only, outcomes from the fixed set, numbers as in the table.
            let outcomes = metrics.samples("marketplace_jobs_total")
            for sample in outcomes {
                #expect(Set(sample.labels.keys) == ["job_type", "outcome"], "\(sample)")
                #expect(["done", "retry", "failed", "snooze", "release", "discard"].contains(sample.labels["outcome"] ?? ""))
            }
            #expect(metrics.value("marketplace_jobs_total", ["job_type": "system.sleep", "outcome": "failed"]) == 1)
            #expect(metrics.value("marketplace_jobs_total", ["job_type": "test.record", "outcome": "failed"]) == 0)
            let finished = outcomes.reduce(0) { $0 + $1.value }
            #expect(finished == Double(recordDone + 2), "\(outcomes)")

            // Durations: one observation per finished job, cumulative buckets, +Inf equal to the count.
            let count = try #require(metrics.value("marketplace_job_duration_seconds_count", ["job_type": "test.record"]))
            #expect(count == Double(recordDone))
            let buckets = metrics.samples("marketplace_job_duration_seconds_bucket", ["job_type": "test.record"])
                .sorted { Double($0.labels["le"] ?? "") ?? .infinity < Double($1.labels["le"] ?? "") ?? .infinity }
            #expect(buckets.count >= 2)
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value })
            #expect(buckets.last?.labels["le"] == "+Inf" && buckets.last?.value == count)
            // 400 of the 401 jobs slept 20 ms: at most the rescued one (no sleep) is in a bucket under 20 ms.
            for bucket in buckets where (Double(bucket.labels["le"] ?? "") ?? .infinity) < 0.02 {
                #expect(bucket.value <= 1, "\(bucket)")
            }
            #expect(
                (metrics.value("marketplace_job_duration_seconds_sum", ["job_type": "test.record"]) ?? 0) >= 0.02
                    * Double(Self.jobs))

            // Claims: every claimed job was counted once (the rescued-and-failed one was never claimed).
            #expect(metrics.value("marketplace_claim_batch_size_sum") == finished)
            #expect((metrics.value("marketplace_claim_batch_size_count") ?? 0) >= 1)

            // Queue gauges after the drain: only the job due in an hour is left.
            #expect(metrics.value("marketplace_queue_pending_jobs", ["job_type": "system.sleep"]) == 1)
            #expect(metrics.value("marketplace_queue_due_jobs", ["job_type": "system.sleep"]) == 0)
            #expect(metrics.value("marketplace_queue_oldest_due_age_seconds", ["job_type": "system.sleep"]) == 0)
            #expect(metrics.value("marketplace_queue_due_jobs", ["job_type": "test.record"]) == 0)

            // Rescues and schedules, against the database.
            #expect(metrics.value("marketplace_lease_rescues_total", ["outcome": "requeued"]) == 1)
            #expect(metrics.value("marketplace_lease_rescues_total", ["outcome": "failed"]) == 1)
            let runs = try await h.count("SELECT sum(run_count)::int AS n FROM marketplace_schedule")
            let skips = try await h.count("SELECT sum(skip_count)::int AS n FROM marketplace_schedule")
            #expect(runs >= 1 && skips >= 1)
            #expect(metrics.value("marketplace_schedule_runs_total", ["result": "enqueued"]) == Double(runs))
            #expect(metrics.value("marketplace_schedule_runs_total", ["result": "skipped"]) == Double(skips))

            // Nothing from payloads, credentials, errors or lock holders.
            for leak in [Self.secret, Self.marker, "seconds must be between", "ghost", "lease expired"] {
                #expect(!text.contains(leak), "\(leak) appears in /metrics")
            }

            // Anything but /metrics is 404.
            let other = try await URLSessionHTTPClient().send(
                HTTPRequest(url: url.deletingLastPathComponent().appendingPathComponent("debug"), timeout: .seconds(10)))
            #expect(other.status == 404)

            worker.signal(SIGTERM)
            #expect(await worker.waitForExit(timeout: .seconds(60)) == 0, "\(worker.output.suffix(2000))")
        }
    }

    @Test("--metrics-port on a port already taken stops the worker with an error; no port, no endpoint")
    func portInUse() async throws {
        let h = try await EndToEndHarness.make("metricsport")
        try await withTeardown(await h.finish()) { () async throws in
            let first = try h.worker(["--metrics-port", "0", "--worker-id", "one"])
            let url = try await endpoint(first)
            let port = try #require(url.port)
            let second = try h.worker(["--metrics-port", "\(port)", "--worker-id", "two"])
            let status = await second.waitForExit(timeout: .seconds(60))
            #expect(status != nil && status != 0, "\(second.output.suffix(2000))")
            #expect(second.output.lowercased().contains("address"), "\(second.output.suffix(2000))")
            first.signal(SIGTERM)
            #expect(await first.waitForExit(timeout: .seconds(60)) == 0, "\(first.output.suffix(2000))")

            let bad = try h.worker(["--metrics-port", "70000"])
            #expect(await bad.waitForExit(timeout: .seconds(30)) == 64)
            #expect(bad.output.contains("--metrics-port must be between 0 and 65535"))
        }
    }
}
