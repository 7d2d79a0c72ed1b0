import Foundation
import JobQueue
import Postgres

/// The operator actions behind `jobctl amazon …` (the seed's "Integration
/// UI": the "Synchronize all products" button and the product tab). jobctl
/// only parses arguments and prints; the SQL lives here, next to the store
/// whose tables it reads, so a schema change is made in one module.
public struct AmazonAdmin: Sendable {
    let database: PostgresPool

    /// An admin over `database`; one connection is enough for every action.
    public init(database: PostgresPool) {
        self.database = database
    }

    /// An account by id or by name; it must be an Amazon account.
    public func account(_ reference: String) async throws -> MarketplaceAccount {
        try await MarketplaceAccount.find(reference, marketplace: "amazon", displayName: "Amazon", in: database)
    }

    /// How many create operations `--all` wrote.
    public struct RecreatedOperations: Sendable, Codable, Equatable {
        /// Template creates (listed templates, and templates with a listed variant, whose values the variants use).
        public var templates: Int
        /// Variant creates (every `amazon_sync_active` product).
        public var products: Int
    }

    /// `--all`: writes a `create` operation for every listed product and
    /// every template that is listed or has a listed variant, with the same
    /// values the insert triggers record, so the next catalog sync sends
    /// everything again (a create absorbs the record's open rows, rule 2).
    /// One statement, so a concurrent sync sees all of them or none.
    public func recreateCreateOperations() async throws -> RecreatedOperations {
        let row = try await database.query(
            """
            WITH templates AS (
                INSERT INTO amazon_product_operation (model_name, record_id, template_id, record_operation, operation_data)
                SELECT 'product_template', t.id, t.id, 'create', amazon_template_fields(t) FROM product_template t
                 WHERE t.amazon_sync_active
                    OR EXISTS (SELECT 1 FROM product p WHERE p.template_id = t.id AND p.amazon_sync_active)
                 ORDER BY t.id
                RETURNING 1
            ), products AS (
                INSERT INTO amazon_product_operation (model_name, record_id, template_id, record_operation, operation_data)
                SELECT 'product_product', p.id, p.template_id, 'create', amazon_product_fields(p) FROM product p
                 WHERE p.amazon_sync_active ORDER BY p.id
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM templates)::int AS templates, (SELECT count(*) FROM products)::int AS products
            """)
        guard let row = row.first else { throw JobAdminError.invalid("the create operations were not counted") }
        return RecreatedOperations(
            templates: try row.decode(Int.self, "templates"), products: try row.decode(Int.self, "products"))
    }

    /// Enqueues `amazon.catalog_sync` for the account with the sync's own
    /// unique key (`amazon.catalog_sync:<id>`, as the README and the follow-up
    /// syncs use), so pressing the button while a sync is pending queues nothing new.
    /// The poll intervals shorten the feed_status waits (tests, the demo).
    public func enqueueCatalogSync(
        account: MarketplaceAccount, firstPollSeconds: Double? = nil, pollSeconds: Double? = nil
    ) async throws -> Int64 {
        var payload: [String: Double] = [:]
        payload["first_poll_seconds"] = firstPollSeconds
        payload["poll_seconds"] = pollSeconds
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var job = JobAdmin.NewJob(jobType: CatalogSyncJob.jobType)
        job.payload = String(decoding: try encoder.encode(payload), as: UTF8.self)
        job.accountID = account.id
        job.name = "Synchronize all products"
        job.uniqueKey = "amazon.catalog_sync:\(account.id)"
        return try await database.withConnection { try await JobAdmin(connection: $0).enqueue(job) }
    }

    /// Follows a job to its end (nil = `timeout` passed first), through `JobAdmin.waitForJob`.
    public func waitForJob(id: Int64, timeout: Duration, every interval: Duration = .milliseconds(250)) async throws
        -> JobAdmin.FinishedJob?
    {
        try await database.withConnection {
            try await JobAdmin(connection: $0).waitForJob(id: id, timeout: timeout, every: interval)
        }
    }

    /// The `amazon.feed_status` job that follows each of these Amazon feed ids
    /// (the newest per feed; the sync enqueues it in the statement that records the feed).
    public func feedStatusJobs(account: MarketplaceAccount, feedIDs: [String]) async throws -> [String: Int64] {
        let rows = try await database.query(
            """
            SELECT DISTINCT ON (payload->>'feed_id') payload->>'feed_id' AS feed_id, id FROM marketplace_job
             WHERE job_type = $1 AND account_id = $2 AND payload->>'feed_id' = ANY($3::text[])
             ORDER BY payload->>'feed_id', id DESC
            """, [FeedStatusJob.jobType, account.id, feedIDs])
        var jobs: [String: Int64] = [:]
        for row in rows.rows { jobs[try row.decode(String.self, "feed_id")] = try row.decode(Int64.self, "id") }
        return jobs
    }

    /// When a still-pending job runs next (a feed_status job between polls).
    public func nextRun(job: Int64) async throws -> (state: String, nextRunAt: Date)? {
        guard
            let row = try await database.query("SELECT state, next_run_at FROM marketplace_job WHERE id = $1", [job]).first
        else { return nil }
        return (try row.decode(String.self, "state"), try row.decode(Date.self, "next_run_at"))
    }
}
