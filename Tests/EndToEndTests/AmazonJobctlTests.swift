import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// `jobctl amazon …` (issue 9's operator commands), run as the real binary
/// against a real database; where a feed must exist, the real `worker`
/// binary syncs against `marketplace-sim amazon`'s server on 127.0.0.1.
@Suite("jobctl amazon: sync-products, status, feed", .serialized)
struct AmazonJobctlTests {
    static let simulator = AmazonSimulatorConfiguration(
        clientID: "amzn1.application-oa2-client.ops-id", clientSecret: "client-SECRET-ops-5e1f",
        refreshToken: "Atzr|refresh-SECRET-ops-77d", sellerID: "A2OPSSELLER")

    /// An Amazon account pointing at `endpoint` (a dead port when no simulator is needed).
    func amazonAccount(
        _ h: EndToEndHarness, name: String = "Amazon US", automatic: Bool = false,
        endpoint: String = "http://127.0.0.1:9", tokenEndpoint: String = "http://127.0.0.1:9/auth/o2/token"
    ) async throws -> Int64 {
        try #require(
            try await h.connection.query(
                """
                INSERT INTO marketplace_account (name, marketplace, settings, credentials) VALUES ($1, 'amazon',
                  jsonb_build_object('seller_id', 'A2OPSSELLER', 'marketplace_ids', jsonb_build_array('ATVPDKIKX0DER'),
                                     'endpoint', $3::text, 'token_endpoint', $4::text,
                                     'image_base_url', 'https://img.example.com', 'currency', 'USD',
                                     'default_product_type', 'PRODUCT', 'automatic', $2::boolean,
                                     'rate_limits', '{"feed_submissions": {"limit": 100, "seconds": 300}}'::jsonb),
                  jsonb_build_object('client_id', $5::text, 'client_secret', $6::text, 'refresh_token', $7::text))
                RETURNING id
                """,
                [
                    name, automatic, endpoint, tokenEndpoint, Self.simulator.clientID, Self.simulator.clientSecret,
                    Self.simulator.refreshToken,
                ]
            ).first
        ).decode(Int64.self, "id")
    }

    /// A listed shirt in three colours (OPS-SHIRT) and four listed single products OPS-001…004, 5 of each in stock.
    func insertCatalog(_ h: EndToEndHarness) async throws {
        try await h.connection.execute(
            "INSERT INTO stock_location (id, name, warehouse_code) OVERRIDING SYSTEM VALUE VALUES (1, 'WH/Online', 'ODS001')")
        try await h.connection.execute(
            """
            INSERT INTO product_template (name, brand, list_price, currency, amazon_product_type, amazon_image_version)
            SELECT 'OPS-00' || g, 'Acme', 10.99, 'USD', 'PRODUCT', 'v1' FROM generate_series(1, 4) g
            """)
        try await h.connection.execute(
            """
            INSERT INTO product (default_code, name, template_id, amazon_sync_active)
            SELECT t.name, 'Item ' || t.name, t.id, true FROM product_template t ORDER BY t.id
            """)
        let family = try #require(
            try await h.connection.query(
                """
                INSERT INTO product_template (name, brand, list_price, currency, default_code, amazon_product_type,
                                              amazon_variation_theme, amazon_sync_active, amazon_image_version)
                VALUES ('Shirt', 'Acme', 19.99, 'USD', 'OPS-SHIRT', 'SHIRT', 'COLOR', true, 'p1') RETURNING id
                """
            ).first
        ).decode(Int64.self, "id")
        try await h.connection.execute(
            """
            INSERT INTO product (default_code, name, template_id, amazon_sync_active, variation_values)
            SELECT 'OPS-SHIRT-' || c, 'Shirt ' || c, $1, true, jsonb_build_object('color', c)
              FROM unnest(ARRAY['Red', 'Blue', 'Green']) AS c
            """, [family])
        // Not listed: no operation, and --all leaves it alone.
        try await h.connection.execute("INSERT INTO product (default_code, name) VALUES ('OPS-UNLISTED', 'Not on Amazon')")
        try await h.connection.execute("INSERT INTO stock_quant (product_id, location_id, quantity) SELECT id, 1, 5 FROM product")
    }

    func json(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
    }

    @Test("sync-products refuses an automatic account without --force; --force enqueues one deduplicated sync")
    func refusedInAutomaticMode() async throws {
        let h = try await EndToEndHarness.make("amzops")
        try await withTeardown(await h.finish()) { () async throws in
            let automatic = try await amazonAccount(h, name: "Amazon auto", automatic: true)
            let refused = try await h.jobctl(["amazon", "sync-products", "Amazon auto"])
            #expect(refused.status == 3, "\(refused.output)")
            #expect(refused.output.contains("automatic mode") && refused.output.contains("--force"), "\(refused.output)")
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'amazon.catalog_sync'") == 0)

            let forced = try await h.jobctl(["amazon", "sync-products", String(automatic), "--force", "--json"])
            #expect(forced.status == 0, "\(forced.output)")
            let id = try #require(try json(forced.output)["id"] as? Int)
            let again = try await h.jobctl(["amazon", "sync-products", String(automatic), "--force"])
            #expect(
                again.status == 0 && again.output.trimmingCharacters(in: .whitespacesAndNewlines) == String(id), "\(again.output)"
            )
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM marketplace_job
                     WHERE job_type = 'amazon.catalog_sync' AND account_id = $1 AND unique_key = 'amazon.catalog_sync:' || $1::text
                    """, [automatic]) == 1)

            let manual = try await amazonAccount(h, name: "Amazon manual")
            #expect(try await h.jobctl(["amazon", "sync-products", String(manual)]).status == 0)
            #expect(try await h.jobctl(["amazon", "status", "No such account"]).status == 2)
            #expect(try await h.jobctl(["amazon", "status", "999999"]).status == 2)
            #expect(try await h.jobctl(["amazon", "feed", "no-such-feed"]).status == 2)
            #expect(try await h.jobctl(["amazon", "feed", "x", "--local"]).status == 4)
            #expect(try await h.jobctl(["amazon", "status", String(manual), "--limit=-1"]).status == 4)
            let zortout = try #require(
                try await h.connection.query(
                    "INSERT INTO marketplace_account (name, marketplace) VALUES ('Zortout', 'zortout') RETURNING id"
                ).first
            ).decode(Int64.self, "id")
            let wrong = try await h.jobctl(["amazon", "status", String(zortout)])
            #expect(wrong.status == 4 && wrong.output.contains("not 'amazon'"), "\(wrong.output)")
            let unreachable = try await ChildProcess.run(
                "jobctl", ["amazon", "status", "1", "--database-url", "postgresql://127.0.0.1:9/none?connect_timeout=2"])
            #expect(unreachable.status == 5, "\(unreachable.output)")
        }
    }

    @Test("--all writes a create operation for every listed product and template, with the trigger's values")
    func allRecreatesCreateOperations() async throws {
        let h = try await EndToEndHarness.make("amzall")
        try await withTeardown(await h.finish()) { () async throws in
            let account = try await amazonAccount(h)
            try await insertCatalog(h)
            try await h.connection.execute("UPDATE amazon_product_operation SET sync_timestamp = now()")
            let run = try await h.jobctl(["amazon", "sync-products", "Amazon US", "--all", "--json"])
            #expect(run.status == 0, "\(run.output)")
            let recreated = try #require(try json(run.output)["recreated"] as? [String: Any])
            #expect(recreated["products"] as? Int == 7 && recreated["templates"] as? Int == 5, "\(recreated)")
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM amazon_product_operation o JOIN product p ON p.id = o.record_id
                     WHERE o.sync_timestamp IS NULL AND o.model_name = 'product_product' AND o.record_operation = 'create'
                       AND o.operation_data = amazon_product_fields(p) AND o.template_id IS NOT DISTINCT FROM p.template_id
                    """) == 7)
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM amazon_product_operation o JOIN product_template t ON t.id = o.record_id
                     WHERE o.sync_timestamp IS NULL AND o.model_name = 'product_template' AND o.record_operation = 'create'
                       AND o.operation_data = amazon_template_fields(t)
                    """) == 5)
            #expect(
                try await h.count(
                    """
                    SELECT count(*) AS n FROM amazon_product_operation o JOIN product p ON p.id = o.record_id
                     WHERE o.model_name = 'product_product' AND p.default_code = 'OPS-UNLISTED'
                    """) == 0)
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM marketplace_job WHERE job_type = 'amazon.catalog_sync' AND account_id = $1",
                    [account]) == 1)
        }
    }

    @Test("after a real sync with one rejected SKU: --wait, status, feed, --all re-sends, and no secret anywhere")
    func statusAndFeedAfterARealSync() async throws {
        let h = try await EndToEndHarness.make("amzsync")
        let sim = try await AmazonSimulator.start(configuration: Self.simulator)
        let worker = try ChildProcess(
            executable: "worker",
            arguments: [
                "run", "--database-url", h.db.url, "--log-level", "trace", "--poll-interval", "0.2", "--concurrency", "4",
            ])
        func stopAll() async {
            await h.finish([worker])
            await sim.stop()
        }
        try await withTeardown(await stopAll()) { () async throws in
            let account = try await amazonAccount(
                h, endpoint: sim.endpoint.absoluteString, tokenEndpoint: sim.tokenEndpoint.absoluteString)
            try await insertCatalog(h)
            await sim.setSKUIssues([AmazonSKUIssue(sku: "OPS-002")])
            var outputs: [String] = []
            let fast = ["--first-poll-seconds", "0.05", "--poll-seconds", "0.05"]

            // 1. The creates: one feed, OPS-002 rejected; the feed_status job followed to its end.
            let synced = try await h.jobctl(["amazon", "sync-products", "Amazon US", "--wait", "--json"] + fast)
            outputs.append(synced.output)
            #expect(synced.status == 0, "\(synced.output)")
            let sync = try json(synced.output)
            #expect(sync["state"] as? String == "done")
            let feeds = try #require(sync["feeds"] as? [[String: Any]])
            #expect(feeds.count == 1 && (sync["still_processing"] as? [Any])?.isEmpty == true, "\(sync)")
            let feed = try #require(feeds.first)
            let feedID = try #require(feed["feed_id"] as? String)
            #expect(feed["processing_status"] as? String == "DONE" && feed["job_state"] as? String == "done", "\(feed)")
            let summary = try #require(feed["summary"] as? [String: Any])
            #expect(summary["messages_processed"] as? Int == 8 && summary["messages_invalid"] as? Int == 1, "\(summary)")
            #expect(feed["follow_up_sync_job"] as? Int != nil, "accepted creates queue their follow-ups")
            try await settle(h)

            // 2. The product tab, as JSON and as text.
            let status = try await h.jobctl(["amazon", "status", String(account), "--json"])
            outputs.append(status.output)
            #expect(status.status == 0, "\(status.output)")
            let tab = try json(status.output)
            let counts = try #require(tab["counts"] as? [[String: Any]])
            func count(_ type: String, _ state: String) -> Int? {
                counts.first { $0["sync_type"] as? String == type && $0["status"] as? String == state }?["count"] as? Int
            }
            #expect(count("create", "Success") == 7 && count("create", "Failure") == 1, "\(counts)")
            #expect(count("price", "Success") == 6 && count("relationship", "Success") == 4, "\(counts)")
            #expect(count("price", "Failure") == nil, "OPS-002's offer waits for its create (rule 7)")
            let failures = try #require(tab["failures"] as? [[String: Any]])
            #expect(failures.count == 1 && tab["failure_count"] as? Int == 1)
            #expect(failures.first?["sku"] as? String == "OPS-002" && failures.first?["sync_type"] as? String == "create")
            #expect((failures.first?["message"] as? String)?.contains("batteries_required") == true, "\(failures)")
            #expect(failures.first?["needs_person"] as? Bool == false)
            #expect((tab["feeds"] as? [[String: Any]])?.contains { $0["amazon_feed_id"] as? String == feedID } == true)
            let text = try await h.jobctl(["amazon", "status", "Amazon US"])
            outputs.append(text.output)
            #expect(text.status == 0, "\(text.output)")
            #expect(text.output.contains("SYNC TYPE") && text.output.contains("OPS-002"), "\(text.output)")
            #expect(text.output.contains("batteries_required") && text.output.contains(feedID), "\(text.output)")
            #expect(!text.output.contains("NEEDS A PERSON"))

            // 3. The feed and its issue.
            let shown = try await h.jobctl(["amazon", "feed", feedID, "--json"])
            outputs.append(shown.output)
            #expect(shown.status == 0, "\(shown.output)")
            let detail = try json(shown.output)
            #expect((detail["feed"] as? [String: Any])?["processing_status"] as? String == "DONE")
            #expect(detail["feed_document_id"] as? String != nil && detail["result_document_id"] as? String != nil)
            let issues = try #require(detail["issues"] as? [[String: Any]])
            #expect(issues.count == 1, "\(issues)")
            #expect(
                issues.first?["sku"] as? String == "OPS-002" && issues.first?["sync_type"] as? String == "create"
                    && issues.first?["status"] as? String == "Failure" && issues.first?["severity"] as? String == "ERROR",
                "\(issues)")
            #expect((detail["row_counts"] as? [String: Int]) == ["Success": 7, "Failure": 1])
            let feedText = try await h.jobctl(["amazon", "feed", feedID])
            outputs.append(feedText.output)
            #expect(feedText.status == 0 && feedText.output.contains("OPS-002") && feedText.output.contains("90220"))
            let local = try await h.jobctl(["amazon", "feed", "1", "--local", "--json"])
            #expect(local.status == 0, "\(local.output)")
            let localFeed = try json(local.output)["feed"] as? [String: Any]
            #expect(localFeed?["amazon_feed_id"] as? String == feedID)

            // 4. A delete Amazon rejects: tried once, flagged for a person.
            await sim.setSKUIssues([AmazonSKUIssue(sku: "OPS-003", message: "listing is locked")])
            try await h.connection.execute("DELETE FROM product WHERE default_code = 'OPS-003'")
            let deleted = try await h.jobctl(["amazon", "sync-products", "Amazon US", "--wait"] + fast)
            outputs.append(deleted.output)
            #expect(deleted.status == 0 && deleted.output.contains("1 invalid"), "\(deleted.output)")
            try await settle(h)
            let person = try await h.jobctl(["amazon", "status", "Amazon US", "--json"])
            outputs.append(person.output)
            let flagged = try #require(try json(person.output)["needs_person"] as? [[String: Any]])
            #expect(flagged.count == 1 && flagged.first?["sku"] as? String == "OPS-003", "\(flagged)")
            #expect(flagged.first?["sync_type"] as? String == "delete" && flagged.first?["needs_person"] as? Bool == true)
            let personText = try await h.jobctl(["amazon", "status", "Amazon US"])
            outputs.append(personText.output)
            #expect(personText.output.contains("NEEDS A PERSON") && personText.output.contains("OPS-003 (needs a person)"))

            // 5. --all sends every listed record again: a create for each listing.
            await sim.setSKUIssues([])
            let all = try await h.jobctl(["amazon", "sync-products", "Amazon US", "--all", "--wait", "--json"] + fast)
            outputs.append(all.output)
            #expect(all.status == 0, "\(all.output)")
            let resent = try json(all.output)
            #expect((resent["recreated"] as? [String: Any])?["products"] as? Int == 6)
            let resentFeed = try #require((resent["feeds"] as? [[String: Any]])?.first)
            #expect(resentFeed["processing_status"] as? String == "DONE")
            #expect((resentFeed["summary"] as? [String: Any])?["messages_invalid"] as? Int == 0, "\(resentFeed)")
            #expect(((resent["result"] as? [String: Any])?["messages"] as? Int ?? 0) >= 7, "\(resent)")
            try await settle(h)
            #expect(await sim.listing(sku: "OPS-002")?.price == Decimal(string: "10.99"), "the re-sent create was accepted")
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_type = 'create' AND sync_status = 'Failure'") == 0)

            // No secret in any output, job row, sync or feed row, or the worker's trace log.
            let issued = await sim.issuedTokens()
            #expect(!issued.isEmpty)
            let rows = try #require(
                try await h.connection.query(
                    """
                    SELECT (SELECT coalesce(string_agg(payload::text || coalesce(result::text, '') || coalesce(error, '')
                                                       || errors::text, ''), '') FROM marketplace_job)
                        || (SELECT coalesce(string_agg(coalesce(sync_message, '') || sync_values::text, ''), '') FROM amazon_product_sync)
                        || (SELECT coalesce(string_agg(coalesce(error, '') || coalesce(report, ''), ''), '') FROM amazon_feed) AS t
                    """
                ).first?["t"] as String?)
            let log = worker.output
            #expect(log.contains("amazon feed submitted"), "the worker logged at trace level")
            let everything = outputs.joined() + rows + log
            for secret in [Self.simulator.clientSecret, Self.simulator.refreshToken, "Atza|"] + issued {
                #expect(!everything.contains(secret), "a secret leaked: \(secret.prefix(8))…")
            }
        }
    }

    /// Waits until no Amazon job is pending or running (follow-up syncs and their polls included).
    func settle(_ h: EndToEndHarness) async throws {
        let settled = try await eventually(timeout: .seconds(90), every: .milliseconds(100)) {
            try await h.count(
                "SELECT count(*) AS n FROM marketplace_job WHERE job_type LIKE 'amazon.%' AND state IN ('pending', 'running')")
                == 0
        }
        #expect(settled, "the Amazon jobs did not settle")
        let failed = try await h.connection.query("SELECT job_type, error FROM marketplace_job WHERE state = 'failed'").rows
        #expect(failed.isEmpty, "\(failed.map { "\($0["job_type"] ?? ""): \($0["error"] ?? "")" })")
    }
}
