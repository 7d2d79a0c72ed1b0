import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// The failure trigger: one notification per job that fails for good, one
/// NOTIFY per statement, one pending webhook delivery per account.
@Suite("Notifications in SQL")
struct NotificationSQLTests {
    @Test("one UPDATE failing four jobs writes four notifications, one NOTIFY, one webhook job per account")
    func failuresNotify() async throws {
        let h = try await WorkerHarness.make("notify")
        try await withTeardown(await h.finish()) { () async throws in
            let hooked = try #require(
                try await h.connection.query(
                    """
                    INSERT INTO marketplace_account (name, marketplace, settings, credentials)
                    VALUES ('hooked', 'testmarket', '{"webhook_url": "http://127.0.0.1:9/hook"}', '{"token": "s3cr3t-token"}') RETURNING id
                    """
                ).first
            ).decode(Int64.self, "id")
            let plain = try #require(
                try await h.connection.query(
                    "INSERT INTO marketplace_account (name, marketplace) VALUES ('plain', 'testmarket') RETURNING id"
                ).first
            ).decode(Int64.self, "id")
            try await h.connection.execute(
                """
                INSERT INTO marketplace_job (job_type, account_id, state) VALUES
                  ('test.a', $1, 'running'), ('test.b', $1, 'running'), ('test.c', $2, 'running'), ('test.d', NULL, 'running'),
                  ('test.e', $1, 'running')
                """, [hooked, plain])
            let listener = PostgresListener(
                configuration: h.db.configuration, channels: [NotificationAdmin.channel], onError: { _ in })
            listener.start()
            defer { listener.stop() }
            var events = listener.events.makeAsyncIterator()
            #expect(await events.next() == .connected)

            try await h.connection.execute(
                """
                UPDATE marketplace_job SET state = 'failed', error = 'boom ' || job_type, finished_at = now()
                 WHERE job_type IN ('test.a', 'test.b', 'test.c', 'test.d')
                """)
            #expect(await events.next() == .notification(channel: NotificationAdmin.channel, payload: "4"))
            let rows = try await h.connection.query(
                "SELECT account_id, job_type, severity, message FROM marketplace_notification ORDER BY job_id"
            ).rows
            #expect(rows.map { $0["job_type"] } == ["test.a", "test.b", "test.c", "test.d"])
            #expect(rows.allSatisfy { $0["severity"] == "error" })
            #expect(rows.first?["message"]?.contains("failed: boom test.a") == true)
            let hooks = try await h.connection.query(
                "SELECT account_id, state, unique_key FROM marketplace_job WHERE job_type = 'system.deliver_webhook'"
            ).rows
            #expect(hooks.count == 1)
            #expect(try hooks.first?.decode(Int64.self, "account_id") == hooked)

            // Touching failed rows again, or other updates, writes nothing more; another failure reuses the pending delivery.
            try await h.connection.execute("UPDATE marketplace_job SET updated_at = now()")
            try await h.connection.execute("UPDATE marketplace_job SET state = 'failed' WHERE job_type = 'test.e'")
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_notification") == 5)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'system.deliver_webhook'") == 1)

            // A delivery that fails for good is notified, but starts no new delivery (no loop).
            try await h.connection.execute(
                """
                UPDATE marketplace_job SET state = 'failed', error = 'webhook down' WHERE job_type = 'system.deliver_webhook'
                """)
            #expect(
                try await h.count("SELECT count(*) AS n FROM marketplace_notification WHERE job_type = 'system.deliver_webhook'")
                    == 1)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'system.deliver_webhook'") == 1)
        }
    }

    @Test("jobctl's notification admin lists unread ones and acknowledges one or all, naming who")
    func acknowledge() async throws {
        let h = try await WorkerHarness.make("notifyack")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.connection.execute(
                """
                INSERT INTO marketplace_notification (message) SELECT 'n' || i FROM generate_series(1, 3) i
                """)
            let admin = NotificationAdmin(connection: h.connection)
            let all = try await admin.list(unreadOnly: true, limit: 10)
            #expect(all.map(\.message) == ["n3", "n2", "n1"])
            try await admin.acknowledge(id: all[2].id, by: "alice")
            await #expect(throws: JobAdminError.self) { try await admin.acknowledge(id: all[2].id, by: "bob") }
            await #expect(throws: JobAdminError.self) { try await admin.acknowledge(id: 999_999, by: "bob") }
            await #expect(throws: JobAdminError.self) { try await admin.acknowledge(id: all[1].id, by: "  ") }
            #expect(try await admin.list(unreadOnly: true, limit: 10).map(\.message) == ["n3", "n2"])
            #expect(try await admin.acknowledgeAll(by: "bob") == 2)
            let read = try await admin.list(unreadOnly: false, limit: 10)
            #expect(read.map(\.acknowledgedBy) == ["bob", "bob", "alice"])
            #expect(read.allSatisfy { $0.acknowledgedAt != nil })
            #expect(try await admin.list(unreadOnly: true, limit: 10).isEmpty)
        }
    }
}
