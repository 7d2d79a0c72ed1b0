import Amazon
import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// Issue 9, Done-when 4, at the job level: a real in-process worker runs
/// `amazon.catalog_sync` and `amazon.feed_status` against the simulator while
/// it misbehaves, and the job rows (state, attempts, next_run_at, errors
/// history) and the sync rows end as the README's outcomes table says.
@Suite(.serialized) struct CatalogJobFaultTests {
    /// A FATAL feed (the document names another seller): every row of it is
    /// Failure with Amazon's reason, the status job is done (the outcome is
    /// recorded, not an error), and the next catalog sync sends the same rows
    /// again without a new write (the merge rule) once the account is right.
    @Test func aFatalFeedFailsEveryRowAndTheNextSyncRetriesThem() async throws {
        let h = try await AmazonJobHarness.start("amzfatal", sellerID: "A2SOMEONEELSE")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.insertProducts(5)
            let sync = try await h.enqueueSync()
            #expect(try await h.settle())
            #expect(try await h.job(sync).state == "done")
            let status = try #require(
                try await h.row(
                    "SELECT id, state, attempts FROM marketplace_job WHERE job_type = 'amazon.feed_status' ORDER BY id LIMIT 1"))
            #expect(status["state"] == "done" && status["attempts"] == "1")
            let feed = try #require(
                try await h.row("SELECT processing_status, error, report FROM amazon_feed ORDER BY id LIMIT 1"))
            #expect(feed["processing_status"] == "FATAL")
            #expect(feed["error"]?.contains("sellerId") == true, "the reason quotes Amazon's report: \(feed["error"] ?? "nil")")
            #expect(feed["report"]?.contains("4000001") == true, "the FATAL report is kept")
            let rows = try await h.pool.query(
                "SELECT sync_status, sync_message, retry_unchanged, attempts FROM amazon_product_sync WHERE sync_type = 'create'"
            ).rows
            #expect(rows.count == 5)
            for row in rows {
                #expect(row["sync_status"] == "Failure" && row["retry_unchanged"] == "t" && row["attempts"] == "1")
                #expect(row["sync_message"]?.hasPrefix("FATAL: Amazon did not process feed") == true)
                #expect(row["sync_message"]?.contains("sellerId") == true)
            }
            #expect(await h.sim.listings().isEmpty, "a FATAL feed applies nothing")

            // The seller id fixed; no new write: the next sync retries the five creates.
            try await h.pool.execute(
                "UPDATE marketplace_account SET settings = settings || jsonb_build_object('seller_id', $1::text) WHERE id = $2",
                [AmazonJobHarness.simulator.sellerID, h.account])
            let retry = try await h.enqueueSync()
            #expect(try await h.settle())
            #expect(try await h.job(retry).state == "done")
            let retried = try #require(
                try await h.row("SELECT result FROM marketplace_job WHERE id = $1", [retry])?["result"])
            #expect(retried.contains(#""messages":5"#) || retried.contains(#""messages": 5"#), "\(retried)")
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_type = 'create' AND sync_status = 'Success' AND attempts = 2"
                ) == 5)
            #expect(await h.sim.listings().count == 5)
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state = 'failed'") == 0)
        }
    }

    /// A 429 storm over createFeedDocument and createFeed (then getFeed):
    /// the jobs go back to pending with next_run_at in the future, each defer
    /// recorded as `snooze` and no attempt spent; when the storm ends they
    /// complete, each with exactly one attempt.
    @Test func aTooManyRequestsStormDefersWithoutSpendingAttempts() async throws {
        let h = try await AmazonJobHarness.start("amzstorm")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.insertProducts(3)
            // createFeedDocument passes, createFeed gets 429, then createFeedDocument gets 429 twice more.
            await h.sim.setFaults(AmazonFaults(afterRequests: 1, tooManyRequests: 3, rateLimitLimit: "4"))
            let sync = try await h.enqueueSync(#"{"first_poll_seconds": 1, "poll_seconds": 0.05}"#)
            let deferred = try await eventually(timeout: .seconds(30), every: .milliseconds(10)) {
                let job = try await h.job(sync)
                return job.state == "pending" && job.due && job.attempts == 0 && job.kinds.contains("snooze")
            }
            #expect(deferred, "seen pending, due later, with no attempt spent")
            // Wait for the submission, then throttle the status polls.
            #expect(
                try await eventually(timeout: .seconds(30), every: .milliseconds(10)) {
                    try await h.job(sync).state == "done"
                })
            await h.sim.setFaults(AmazonFaults(tooManyRequests: 3, rateLimitLimit: "4"))
            #expect(try await h.settle())

            let done = try await h.job(sync)
            #expect(done.state == "done" && done.attempts == 1)
            #expect(done.kinds == ["snooze", "snooze", "snooze"], "every 429 a snooze, none a retry: \(done.kinds)")
            let statusID = try #require(
                try await h.row("SELECT id FROM marketplace_job WHERE job_type = 'amazon.feed_status' ORDER BY id LIMIT 1")?
                    .decode(Int64.self, "id"))
            let status = try await h.job(statusID)
            #expect(status.state == "done" && status.attempts == 1)
            #expect(status.kinds.filter { $0 == "snooze" }.count >= 3 && !status.kinds.contains("retry"), "\(status.kinds)")
            let errors = try #require(try await h.row("SELECT errors::text AS e FROM marketplace_job WHERE id = $1", [statusID]))
            #expect(errors["e"]?.contains("GET /feeds/2021-06-30/feeds/") == true && errors["e"]?.contains("HTTP 429") == true)
            let stats = await h.sim.stats()
            #expect(stats.faultsServed == 6)
            #expect(
                (stats.operations["createFeed"] ?? 0) == 3,
                "one throttled, then the creates' feed and the follow-ups' feed: \(stats.operations)")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_product_sync WHERE sync_status = 'Success'") >= 3)
            #expect(
                try await h.count("SELECT count(*) AS n FROM amazon_feed WHERE processing_status = 'ABANDONED'") == 3,
                "each throttled submission gave its rows back")
        }
    }

    /// An access token that expired while cached: the SP-API call answers 401,
    /// the client asks LWA once for a new token, repeats the call, and the job
    /// succeeds on its first attempt.
    @Test func anExpiredTokenIsRefreshedOnceAndTheJobSucceeds() async throws {
        let h = try await AmazonJobHarness.start("amzexpired")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.insertProducts(2)
            _ = try await h.enqueueSync()
            #expect(try await h.settle())
            let before = await h.sim.stats()
            #expect(before.tokensIssued == 1)

            await h.sim.expireTokens()
            try await h.pool.execute("UPDATE product_template SET list_price = 13.75")
            let sync = try await h.enqueueSync()
            #expect(try await h.settle())
            let after = await h.sim.stats()
            #expect(after.tokensIssued == before.tokensIssued + 1, "exactly one refresh")
            #expect(after.unauthorized == before.unauthorized + 1, "one call refused for the expired token")
            let job = try await h.job(sync)
            #expect(job.state == "done" && job.attempts == 1 && job.kinds.isEmpty)
            #expect(await h.sim.listing(sku: "FLT-001")?.price == Decimal(string: "13.75"))
            #expect(try await h.count("SELECT count(*) AS n FROM marketplace_job WHERE state <> 'done'") == 0)
        }
    }

    /// Rejected LWA credentials: the sync fails at once (one attempt, kind
    /// `failed`), the error names the account, and no secret is in any row or log.
    /// The rows it meant to send go back to the queue.
    @Test func rejectedCredentialsAreAPermanentFailureNamingTheAccount() async throws {
        let wrongSecret = "client-SECRET-wrong-5f0e"
        let h = try await AmazonJobHarness.start("amzrejected", clientSecret: wrongSecret)
        try await withTeardown(await h.finish()) { () async throws in
            try await h.insertProducts(2)
            let sync = try await h.enqueueSync()
            #expect(try await h.settle())
            let job = try await h.job(sync)
            #expect(job.state == "failed" && job.attempts == 1 && job.kinds == ["failed"])
            let error = try #require(job.error)
            #expect(
                error.contains("account \(h.account) (Amazon Faults)") && error.contains("rejected the credentials"), "\(error)")
            #expect(await h.sim.stats().tokenRequestsRefused == 1)
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_status = 'New' AND feed_id IS NULL AND attempts = 0"
                ) == 2,
                "the rows wait for the next sync, no attempt counted")
            let text = try await h.allRowText() + h.logs.text
            for secret in [wrongSecret, AmazonJobHarness.simulator.refreshToken, AmazonJobHarness.simulator.clientSecret] {
                #expect(!text.contains(secret))
            }
        }
    }

    /// A report that is not gzip: the status job fails for good with an error
    /// naming the report document, the feed row keeps the downloaded bytes
    /// (base64) and the error, and the feed's rows are Failure, to be retried.
    @Test func aGarbageReportIsAClearErrorAndTheRawBytesAreKept() async throws {
        let h = try await AmazonJobHarness.start("amzgarbage")
        try await withTeardown(await h.finish()) { () async throws in
            try await h.insertProducts(2)
            await h.sim.setFaults(AmazonFaults(garbageReports: 1))
            _ = try await h.enqueueSync()
            #expect(try await h.settle())
            let statusRow = try #require(
                try await h.row("SELECT id FROM marketplace_job WHERE job_type = 'amazon.feed_status' ORDER BY id LIMIT 1"))
            let status = try await h.job(try statusRow.decode(Int64.self, "id"))
            #expect(status.state == "failed" && status.attempts == 1)
            let feed = try #require(
                try await h.row(
                    "SELECT id, processing_status, error, report, result_document_id FROM amazon_feed ORDER BY id LIMIT 1"))
            let document = try #require(feed["result_document_id"])
            let error = try #require(status.error)
            #expect(error.contains("report document \(document)") && error.contains("not valid gzip"), "\(error)")
            #expect(error.contains("amazon_feed \(feed["id"]!).report"))
            #expect(feed["error"]?.contains(document) == true)
            let raw = try #require(feed["report"])
            #expect(raw.hasPrefix("base64:"))
            let bytes = try #require(Data(base64Encoded: String(raw.dropFirst("base64:".count))))
            #expect(
                String(decoding: bytes, as: UTF8.self).contains("not a gzip stream"), "the bytes as the simulator served them")
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_status = 'Failure' AND retry_unchanged") == 2)
        }
    }
}
