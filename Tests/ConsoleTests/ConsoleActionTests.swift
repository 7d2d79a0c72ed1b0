import Console
import Foundation
import Postgres
import TestSupport
import Testing

/// The operator actions: each changes the job as jobctl would, and is recorded
/// in the audit table and shown on the job's page.
@Suite struct ConsoleActionTests {
    func state(_ h: ConsoleHarness, _ id: Int64) async throws -> String? {
        try await h.scalar("SELECT state AS v FROM marketplace_job WHERE id = $1", [id])
    }

    @Test func jobActionsChangeTheJobAndAreAudited() async throws {
        let h = try await ConsoleHarness.make("cactions")
        try await withTeardown(await h.finish()) { () async throws in
            let session = try await h.login("operator")
            let failed = try await h.insertJob(state: "failed", error: "boom")
            #expect(try await h.post("/jobs/\(failed)/set-done", as: session).status == 303)
            #expect(try await state(h, failed) == "done")
            let page = try await h.get("/jobs/\(failed)", as: session).body
            #expect(page.contains("<td>operator</td><td>set-done</td>"))
            #expect(page.contains("set_done"))
            // A done job cannot be retried or set done again: 409, and nothing changes.
            #expect(try await h.post("/jobs/\(failed)/retry", as: session).status == 409)
            #expect(try await h.post("/jobs/\(failed)/set-done", as: session).status == 409)

            let pending = try await h.insertJob(state: "pending")
            #expect(try await h.post("/jobs/\(pending)/cancel", as: session).status == 303)
            #expect(try await state(h, pending) == "cancelled")
            #expect(try await h.post("/jobs/\(pending)/run-now", as: session).status == 303)
            #expect(try await state(h, pending) == "pending")

            let a = try await h.insertJob(type: "system.sleep", state: "failed", error: "x")
            let b = try await h.insertJob(type: "system.sleep", state: "failed", error: "y")
            let other = try await h.insertJob(type: "system.noop", state: "failed", error: "z")
            #expect(try await h.post("/jobs/retry-failed", ["type": "system.sleep"], as: session).status == 303)
            #expect(try await state(h, a) == "pending")
            #expect(try await state(h, b) == "pending")
            #expect(try await state(h, other) == "failed")
            let actions = try await h.connection.query(
                "SELECT user_login || ':' || action || ':' || coalesce(job_id::text, '-') AS v FROM console_audit ORDER BY id"
            ).rows.compactMap { $0["v"] }
            #expect(
                actions == [
                    "operator:set-done:\(failed)", "operator:cancel:\(pending)", "operator:run-now:\(pending)",
                    "operator:retry-failed:-",
                ])
        }
    }

    @Test func amazonSyncButtonsAreOffWhileTheAccountIsAutomatic() async throws {
        let h = try await ConsoleHarness.make("camazon")
        try await withTeardown(await h.finish()) { () async throws in
            let account = try await h.insertAccount(
                name: "amz", marketplace: "amazon", settings: #"{"seller_id": "S1", "marketplace_ids": ["M1"]}"#,
                credentials: "{}")
            let admin = try await h.login("admin")
            var page = try await h.get("/accounts/\(account)/amazon", as: admin).body
            #expect(page.contains(#"id="sync-products">"#))
            #expect(page.contains(#"id="sync-orders">"#))
            #expect(page.contains(#"id="order-counts""#), "the order tab")
            #expect(!page.contains(#"id="orders-explanation""#), "the orders sync is in this build")
            let sync = try await h.post("/accounts/\(account)/amazon/sync-products", as: admin)
            #expect(sync.status == 303)
            #expect(
                try await h.scalar(
                    "SELECT count(*)::text AS v FROM marketplace_job WHERE job_type = 'amazon.catalog_sync' AND account_id = $1",
                    [account]) == "1")
            // "Synchronize all orders (past three months)": a manual run by creation time, as `jobctl amazon orders --all`.
            #expect(try await h.post("/accounts/\(account)/amazon/sync-orders", as: admin).status == 303)
            #expect(
                try await h.scalar(
                    """
                    SELECT count(*)::text AS v FROM marketplace_job
                     WHERE job_type = 'amazon.orders_sync' AND account_id = $1 AND payload -> 'manual' ->> 'basis' = 'created'
                       AND (payload -> 'manual' ->> 'after')::timestamptz < now() - interval '89 days'
                    """, [account]) == "1")
            // The Active flag on: both buttons disabled, with the reason, and a forged POST is refused.
            let saved = try await h.post(
                "/accounts/\(account)/settings",
                ["seller_id": "S1", "marketplace_ids": "M1", "automatic": "true", "sync_enabled": "true"], as: admin)
            #expect(saved.status == 303)
            page = try await h.get("/accounts/\(account)/amazon", as: admin).body
            #expect(page.contains(#"id="sync-products" disabled>"#))
            #expect(page.contains(#"id="sync-orders" disabled>"#))
            #expect(page.contains(#"id="automatic-explanation""#))
            #expect(try await h.post("/accounts/\(account)/amazon/sync-products", as: admin).status == 409)
        }
    }

    @Test func notificationsAreAcknowledgedByTheIntegrationGroup() async throws {
        let h = try await ConsoleHarness.make("cnotify")
        try await withTeardown(await h.finish()) { () async throws in
            for message in ["first failure", "second failure"] {
                try await h.connection.execute(
                    "INSERT INTO marketplace_notification (severity, message) VALUES ('error', $1)", [message])
            }
            let outsider = try await h.login("operator")
            #expect(try await h.get("/notifications", as: outsider).status == 403)
            let member = try await h.login("operator-int")
            let inbox = try await h.get("/notifications", as: member)
            #expect(inbox.body.contains("first failure") && inbox.body.contains("second failure"))
            let first = try #require(try await h.scalar("SELECT min(id)::text AS v FROM marketplace_notification"))
            #expect(try await h.post("/notifications/\(first)/ack", as: member).status == 303)
            #expect(
                try await h.scalar("SELECT acknowledged_by AS v FROM marketplace_notification WHERE id = $1", [Int64(first)!])
                    == "operator-int")
            #expect(try await h.post("/notifications/\(first)/ack", as: member).status == 409)
            #expect(try await h.post("/notifications/ack-all", as: member).status == 303)
            #expect(
                try await h.scalar("SELECT count(*)::text AS v FROM marketplace_notification WHERE acknowledged_at IS NULL")
                    == "0")
        }
    }

    @Test func schedulesAreEnabledAndDisabled() async throws {
        let h = try await ConsoleHarness.make("csched")
        try await withTeardown(await h.finish()) { () async throws in
            let id = try #require(try await h.scalar("SELECT min(id)::text AS v FROM marketplace_schedule").flatMap { Int64($0) })
            let session = try await h.login("operator")
            #expect(try await h.get("/schedules", as: session).body.contains(">Enable<"))
            #expect(try await h.post("/schedules/\(id)/enable", as: session).status == 303)
            #expect(try await h.scalar("SELECT enabled::text AS v FROM marketplace_schedule WHERE id = $1", [id]) == "true")
            #expect(try await h.post("/schedules/\(id)/disable", as: session).status == 303)
            #expect(try await h.scalar("SELECT enabled::text AS v FROM marketplace_schedule WHERE id = $1", [id]) == "false")
            #expect(try await h.post("/schedules/\(id)/pause", as: session).status == 404)
        }
    }
}
