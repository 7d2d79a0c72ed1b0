import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// A job that fails for good, end to end: the notification row, and the
/// account's webhook digest POSTed to a receiver on 127.0.0.1.
@Suite("Notifications and webhooks", .serialized)
struct WebhookTests {
    static let secret = "cred-SECRET-0f9a8b7c"

    func hookedAccount(_ h: EndToEndHarness, _ receiver: WebhookReceiver) async throws -> Int64 {
        try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_account (name, marketplace, settings, credentials)
                VALUES ('Shop TH', 'testmarket', jsonb_build_object('webhook_url', $1::text, 'base_url', 'http://example.invalid'),
                        jsonb_build_object('api_key', $2::text)) RETURNING id
                """, [receiver.url.absoluteString, Self.secret]
            ).first
        ).decode(Int64.self, "id")
    }

    /// Jobs that fail at once: `system.sleep` refuses a negative duration.
    func failingJobs(_ h: EndToEndHarness, account: Int64, count: Int) async throws {
        try await h.connection.execute(
            """
            INSERT INTO marketplace_job (job_type, payload, account_id, max_attempts)
            SELECT 'system.sleep', '{"seconds": -1}', $1, 1 FROM generate_series(1, $2::int)
            """, [account, count])
    }

    func digest(_ delivery: WebhookReceiver.Delivery) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any])
    }

    @Test("a job that fails for good creates one notification and one webhook POST, without secrets")
    func oneFailureOnePost() async throws {
        let h = try await EndToEndHarness.make("webhook1")
        let receiver = try await WebhookReceiver.start()
        let account = try await hookedAccount(h, receiver)
        let worker = try h.worker(["--worker-id", "hook"])
        try await withTeardown(await (receiver.stop(), h.finish([worker]))) { () async throws in
            try await failingJobs(h, account: account, count: 1)
            #expect(
                try await eventually(timeout: .seconds(30)) { await receiver.deliveries().count >= 1 },
                "\(worker.output.suffix(2000))")
            try await Task.sleep(for: .seconds(2))
            let deliveries = await receiver.deliveries()
            #expect(deliveries.count == 1)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_notification") == 1)
            let delivery = try #require(deliveries.first)
            #expect(delivery.method == "POST")
            #expect(delivery.headers["content-type"] == "application/json")
            let body = String(decoding: delivery.body, as: UTF8.self)
            #expect(!body.contains(Self.secret) && !body.contains("api_key") && !body.contains("example.invalid"), "\(body)")
            let object = try digest(delivery)
            let items = try #require(object["notifications"] as? [[String: Any]])
            #expect(items.count == 1)
            let failedJob = try await h.count("SELECT id AS n FROM marketplace_job WHERE job_type = 'system.sleep'")
            #expect(items.first?["job_id"] as? Int == failedJob)
            #expect((items.first?["message"] as? String)?.contains("seconds must be between 0 and 86400") == true)
            #expect((object["account"] as? [String: Any])?["name"] as? String == "Shop TH")
        }
    }

    @Test("a receiver answering 500 gets the same digest again after backoff")
    func failedPostIsRetried() async throws {
        let h = try await EndToEndHarness.make("webhookretry")
        let receiver = try await WebhookReceiver.start()
        await receiver.answer([500])
        let account = try await hookedAccount(h, receiver)
        let worker = try h.worker(["--worker-id", "hook", "--retry-base", "0.2"])
        try await withTeardown(await (receiver.stop(), h.finish([worker]))) { () async throws in
            try await failingJobs(h, account: account, count: 1)
            #expect(
                try await eventually(timeout: .seconds(30)) { await receiver.deliveries().count >= 2 },
                "\(worker.output.suffix(2000))")
            let bodies = await receiver.deliveries().map(\.body)
            #expect(bodies[0] == bodies[1])
            #expect(
                try await eventually {
                    try await h.count(
                        """
                        SELECT count(*) AS n FROM marketplace_job
                         WHERE job_type = 'system.deliver_webhook' AND state = 'done' AND attempts = 2
                        """) == 1
                })
        }
    }

    @Test("500 failures within a minute give at most 2 POSTs, carrying all 500 notifications")
    func stormGivesDigests() async throws {
        let h = try await EndToEndHarness.make("webhookstorm")
        let receiver = try await WebhookReceiver.start()
        let account = try await hookedAccount(h, receiver)
        let worker = try h.worker(["--worker-id", "storm", "--concurrency", "20"])
        try await withTeardown(await (receiver.stop(), h.finish([worker]))) { () async throws in
            try await failingJobs(h, account: account, count: 500)
            #expect(
                try await eventually(timeout: .seconds(30)) {
                    try await h.count("SELECT count(*) AS n FROM marketplace_notification") == 500
                })
            // The first digest goes out at once; the rest wait for the 60 s rate limit.
            func delivered() async throws -> Int {
                var total = 0
                for delivery in await receiver.deliveries() {
                    total += (try digest(delivery)["notifications"] as? [Any])?.count ?? 0
                }
                return total
            }
            #expect(
                try await eventually(timeout: .seconds(120), every: .milliseconds(500)) { try await delivered() == 500 },
                "\(worker.output.suffix(2000))")
            let deliveries = await receiver.deliveries()
            #expect(deliveries.count <= 2, "\(deliveries.count) POSTs")
            if deliveries.count == 2 {
                // The digest interval (60 s) runs from the first delivery's start, as
                // recorded in marketplace_webhook_state, and the second delivery job is
                // not due before it. Read from the jobs that sent: a loaded machine can
                // delay a POST's arrival at the receiver by seconds.
                let starts = try await h.connection.query(
                    """
                    SELECT extract(epoch FROM started_at)::float8 AS s FROM marketplace_job
                     WHERE job_type = 'system.deliver_webhook' AND state = 'done' AND (result ->> 'sent')::int > 0
                     ORDER BY started_at
                    """
                ).rows.map { try $0.decode(Double.self, "s") }
                #expect(starts.count == 2, "\(starts)")
                if starts.count == 2 { #expect(starts[1] - starts[0] >= 59.5, "\(starts)") }
            }
            let ids = try deliveries.flatMap {
                try (digest($0)["notifications"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            }
            #expect(Set(ids).count == 500)
        }
    }
}
