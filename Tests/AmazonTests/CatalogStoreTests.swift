import Amazon
import ExactJSON
import Foundation
import Postgres
import TestSupport
import Testing

/// The store against a real PostgreSQL: triggers, rule 9, the batch, feeds and reports.
@Suite struct CatalogStoreTests {
    let builder = FeedBuilder(
        settings: FeedSettings(
            sellerID: "A2SELLER", marketplaceID: "ATVPDKIKX0DER",
            imageBaseURL: "https://img.example.com", currency: "USD"))

    @Test func triggersRecordCreatesWritesStockAndUnlinks() async throws {
        let f = try await CatalogFixture.start("amztrig")
        defer { Task { await f.stop() } }
        let family = try await f.insertFamily()
        try await f.pool.execute("INSERT INTO product (default_code, name) VALUES ('OFF-1', 'not listed')")
        try await f.pool.execute("UPDATE product SET price_override = 17.50 WHERE id = $1", [family.variants[0]])
        try await f.pool.execute("UPDATE product SET name = name")  // changes nothing: no operation
        try await f.pool.execute("INSERT INTO stock_quant (product_id, location_id, quantity) SELECT id, 1, 4 FROM product")
        try await f.pool.execute("UPDATE stock_quant SET quantity = 6 WHERE product_id = $1", [family.variants[1]])
        try await f.pool.execute("DELETE FROM product WHERE id = $1", [family.variants[2]])
        let ops = try await f.rows(
            """
            SELECT model_name, record_id, record_operation, operation_data::text AS data FROM amazon_product_operation ORDER BY id
            """)
        let summary = ops.map { "\($0["model_name"]!) \($0["record_operation"]!)" }
        #expect(
            summary == ["product_template create"] + Array(repeating: "product_product create", count: 3)
                + ["product_product write"] + Array(repeating: "product_product write", count: 3)
                + ["product_product write", "product_product unlink"])
        #expect(try JSONValue.object(parsing: ops[4]["data"]!) == ["price_override": .num("17.50")])
        #expect(try JSONValue.object(parsing: ops[8]["data"]!) == ["quantity": .num("6")])
        #expect(try JSONValue.object(parsing: ops[9]["data"]!)["default_code"] == .string("SHIRT-Green"))
        #expect(
            try await f.count(
                "SELECT count(*) AS n FROM amazon_product_operation WHERE record_id = (SELECT id FROM product WHERE default_code = 'OFF-1') AND model_name = 'product_product'"
            ) == 0,
            "a product that is not listed writes no operation")
    }

    @Test func transformingAndMarkingAreOneTransaction() async throws {
        let f = try await CatalogFixture.start("amzrule9", batchSize: 7)
        defer { Task { await f.stop() } }
        try await f.insertProducts(20)
        let pending = try await f.count("SELECT count(*) AS n FROM amazon_product_operation WHERE sync_timestamp IS NULL")
        #expect(pending == 60, "20 templates, 20 variant creates, 20 stock writes")

        struct Crash: Error {}
        await #expect(throws: Crash.self) { try await f.store.transformPending(faultBeforeMarking: { throw Crash() }) }
        #expect(try await f.count("SELECT count(*) AS n FROM amazon_product_sync") == 0, "the crashed batch wrote nothing")
        #expect(
            try await f.count("SELECT count(*) AS n FROM amazon_product_operation WHERE sync_timestamp IS NULL") == 60,
            "and lost nothing")

        let outcome = try await f.store.transformPending()
        #expect(outcome.operations == 60 && outcome.batches == 9)
        let rows = try await f.rows("SELECT model_name, sync_type, sync_values::text AS v FROM amazon_product_sync ORDER BY id")
        #expect(rows.count == 20 && rows.allSatisfy { $0["sync_type"] == "create" && $0["model_name"] == "product_product" })
        #expect(try await f.count("SELECT count(*) AS n FROM amazon_product_operation WHERE sync_timestamp IS NULL") == 0)

        let again = try await f.store.transformPending()
        #expect(again.operations == 0 && again.syncRows == 0)
        #expect(
            try await f.rows("SELECT model_name, sync_type, sync_values::text AS v FROM amazon_product_sync ORDER BY id").map {
                $0["v"]
            }
                == rows.map { $0["v"] }, "nothing doubled or changed")
    }

    @Test func concurrentTransformsTakeEachOperationOnce() async throws {
        let f = try await CatalogFixture.start("amzconc", batchSize: 50)
        defer { Task { await f.stop() } }
        try await f.insertProducts(300)
        let other = CatalogStore(database: f.db.pool(size: 2), batchSize: 50)
        async let a = f.store.transformPending()
        async let b = other.transformPending()
        let (first, second) = try await (a, b)
        #expect(first.operations + second.operations == 900, "every operation taken by exactly one run")
        #expect(try await f.count("SELECT count(*) AS n FROM amazon_product_operation WHERE sync_timestamp IS NULL") == 0)
        // A stock write taken by one run while the other still holds its product's
        // create is an inventory row of its own, which waits for the create (rule 7).
        #expect(try await f.count("SELECT count(*) AS n FROM amazon_product_sync WHERE sync_type = 'create'") == 300)
        #expect(
            try await f.count("SELECT count(*) AS n FROM amazon_product_sync WHERE sync_type NOT IN ('create', 'inventory')") == 0
        )
        await other.database.close()
    }

    @Test func aFeedRoundTripSettlesRowsAndWritesFollowUps() async throws {
        let f = try await CatalogFixture.start("amzround")
        defer { Task { await f.stop() } }
        try await f.insertProducts(3)
        let family = try await f.insertFamily()
        try await f.store.transformPending()
        let batch = try await f.store.nextBatch(limit: 100)
        #expect(batch.map(\.type) == Array(repeating: .create, count: 7), "3 products, the parent and its 3 children")
        let build = builder.build(batch)
        #expect(build.rejected.isEmpty)
        let document = try #require(build.documents.first)
        #expect(try await SchemaValidator.errors(in: document.data, schema: SchemaValidator.feedSchema) == [])
        let feed = try await f.store.recordFeed(accountID: try await insertAccount(f), document: document)
        try await f.store.markSubmitted(feed: feed, feedDocumentID: "doc-1", amazonFeedID: "50001")
        #expect(try await f.store.nextBatch(limit: 100).isEmpty, "rows in flight are not sent twice")

        let raw = CatalogFixture.report(for: document, feedID: "50001", rejecting: ["SKU-2"])
        #expect(try await SchemaValidator.errors(in: raw, schema: SchemaValidator.reportSchema) == [])
        let outcome = try await f.store.applyReport(
            feed: feed, report: try ProcessingReport.parse(raw),
            raw: String(decoding: raw, as: UTF8.self), resultDocumentID: "res-1")
        #expect(outcome.succeeded == 6 && outcome.failed == 1)
        // 2 products × (price, inventory, image) + 3 children × (price, inventory, relationship) + parent (relationship, image)
        #expect(outcome.followUps == 6 + 9 + 2)
        let failure = try #require(
            try await f.rows(
                """
                SELECT sync_status, sync_message FROM amazon_product_sync s JOIN product p ON p.id = s.record_id
                 WHERE s.model_name = 'product_product' AND p.default_code = 'SKU-2' AND s.sync_type = 'create'
                """
            ).first)
        #expect(failure["sync_status"] == "Failure")
        #expect(failure["sync_message"]?.contains("batteries_required") == true)
        #expect(
            try await f.count(
                "SELECT count(*) AS n FROM amazon_product_sync s JOIN product p ON p.id = s.record_id WHERE s.model_name = 'product_product' AND p.default_code = 'SKU-2' AND s.sync_type <> 'create'"
            ) == 0,
            "no follow-ups for a rejected create")
        #expect(
            try await f.rows(
                "SELECT processing_status, processing_summary->>'messagesInvalid' AS invalid, report IS NOT NULL AS kept FROM amazon_feed"
            ).first.map {
                [$0["processing_status"], $0["invalid"], $0["kept"]]
            } == ["DONE", "1", "t"])

        let next = try await f.store.nextBatch(limit: 100)
        #expect(next.count == 17)
        let followUpFeed = try #require(builder.build(next).documents.first)
        #expect(builder.build(next).rejected.isEmpty)
        #expect(try await SchemaValidator.errors(in: followUpFeed.data, schema: SchemaValidator.feedSchema) == [])
        let relationship = try #require(next.first { $0.type == .relationship && $0.listing?.sku == "SHIRT-Red" })
        #expect(relationship.listing?.parentSKU == "SHIRT")
        #expect(family.variants.count == 3)

        let twice = try await f.store.applyReport(
            feed: feed, report: try ProcessingReport.parse(raw), raw: "", resultDocumentID: nil)
        #expect(twice.alreadyApplied)
    }

    @Test func offerRowsWaitForTheirCreate() async throws {
        let f = try await CatalogFixture.start("amzwait")
        defer { Task { await f.stop() } }
        let ids = try await f.insertProducts(1)
        try await f.store.transformPending()
        try await f.pool.execute(
            """
            INSERT INTO amazon_product_sync (model_name, record_id, sync_type) VALUES ('product_product', $1, 'price')
            """, [ids[0]])
        #expect(try await f.store.nextBatch(limit: 10).map(\.type) == [.create])
        try await f.pool.execute("UPDATE amazon_product_sync SET sync_status = 'Success' WHERE sync_type = 'create'")
        #expect(try await f.store.nextBatch(limit: 10).map(\.type) == [.price])
    }

    @Test func aFatalFeedFailsEveryRowAndTheNextRunRetriesThem() async throws {
        let f = try await CatalogFixture.start("amzfatal")
        defer { Task { await f.stop() } }
        try await f.insertProducts(4)
        try await f.store.transformPending()
        let document = try #require(builder.build(try await f.store.nextBatch(limit: 100)).documents.first)
        let feed = try await f.store.recordFeed(accountID: try await insertAccount(f), document: document)
        let outcome = try await f.store.failFeed(feed, status: "FATAL", reason: "FATAL: the feed document is not valid JSON")
        #expect(outcome.failed == 4)
        #expect(
            try await f.count(
                "SELECT count(*) AS n FROM amazon_product_sync WHERE sync_status = 'Failure' AND retry_unchanged AND sync_message LIKE 'FATAL:%'"
            ) == 4)
        let retry = try await f.store.transformPending()
        #expect(retry.syncRows == 4)
        #expect(try await f.store.nextBatch(limit: 100).count == 4, "retried without a new write")
    }

    @Test func aFeedWhoseRunDiedBeforeCreateFeedIsReleased() async throws {
        let f = try await CatalogFixture.start("amzabandon")
        defer { Task { await f.stop() } }
        try await f.insertProducts(2)
        try await f.store.transformPending()
        let account = try await insertAccount(f)
        let document = try #require(builder.build(try await f.store.nextBatch(limit: 100)).documents.first)
        _ = try await f.store.recordFeed(accountID: account, document: document)
        #expect(try await f.store.nextBatch(limit: 100).isEmpty)
        #expect(
            try await f.store.releaseAbandonedFeeds(accountID: account, olderThan: 3600) == 0,
            "a young PREPARING feed may still be submitting")
        #expect(try await f.store.releaseAbandonedFeeds(accountID: account, olderThan: 0) == 1)
        #expect(try await f.store.nextBatch(limit: 100).count == 2, "its rows are sent again, once")
    }

    func insertAccount(_ f: CatalogFixture) async throws -> Int64 {
        try await f.pool.query(
            """
            INSERT INTO marketplace_account (name, marketplace, settings) VALUES ('Amazon US', 'amazon', '{"seller_id": "A2SELLER"}') RETURNING id
            """
        ).first!.decode(Int64.self, "id")
    }
}
