import Amazon
import Foundation
import HTTPClient
import JobQueue
import MarketplaceSim
import TestSupport
import Testing

/// The whole Feeds API flow against the simulator: document, upload, feed,
/// polling to DONE, report download, gunzip, parse, and the listing store.
@Suite("Feed flow")
struct FeedFlowTests {
    @Test func submitPollDownloadAndParse() async throws {
        let fixture = try await AmazonClientFixture.start(pollsPerStage: 2)
        defer { Task { await fixture.stop() } }
        await fixture.simulator.setSKUIssues([
            AmazonSKUIssue(
                sku: "REJECT-1", severity: "ERROR", code: "90220", message: "'[batteries_required]' is required but not supplied."
            ),
            AmazonSKUIssue(
                sku: "WARN-1", severity: "WARNING", code: "18448", message: "Attributes tagged as relevant are incomplete."),
        ])
        let feed = AmazonClientFixture.feed(skus: ["OK-1", "REJECT-1", "WARN-1"])
        #expect(try await OfficialSchema.errors(of: feed, schema: "listings-feed-schema-v2.json") == [])

        let client = fixture.client()
        let submitted = try await client.submitFeed(feed)
        #expect(await fixture.simulator.uploadedDocument(id: submitted.feedDocumentID) == feed)

        var seen: [FeedProcessingStatus] = []
        var last: Feed?
        for _ in 0..<10 where !(last?.processingStatus.isTerminal ?? false) {
            last = try await client.getFeed(submitted.feedID)
            seen.append(last!.processingStatus)
        }
        // Two polls in each state before DONE: every state is seen, in order.
        #expect(seen == [.inQueue, .inQueue, .inProgress, .inProgress, .done])
        let done = try #require(last)
        #expect(done.feedType == "JSON_LISTINGS_FEED")
        #expect(done.marketplaceIDs == ["ATVPDKIKX0DER"])

        let document = try await client.getFeedDocument(try #require(done.resultFeedDocumentID))
        #expect(document.compressionAlgorithm == "GZIP")
        let json = try await client.download(document)
        #expect(try await OfficialSchema.errors(of: json, schema: "listings-feed-processing-report-schema-v2.json") == [])
        let report = try JSONDecoder().decode(ListingsFeedProcessingReport.self, from: json)
        #expect(report.header.feedId == submitted.feedID)
        #expect(report.header.sellerId == AmazonClientFixture.configuration.sellerID)
        #expect(report.summary.messagesProcessed == 4)
        #expect(report.summary.messagesAccepted == 3)
        #expect(report.summary.messagesInvalid == 1)
        #expect(report.summary.errors == 1)
        #expect(report.summary.warnings == 1)
        #expect(report.issuesByMessageID[2]?.map(\.severity) == ["ERROR"])
        #expect(report.issuesByMessageID[2]?.first?.sku == "REJECT-1")
        #expect(report.issuesByMessageID[3]?.first?.code == "18448")
        #expect(report.issuesByMessageID[1] == nil)

        // What Amazon now lists: the rejected SKU does not exist; the first has price and quantity.
        let ok = try #require(await fixture.simulator.listing(sku: "OK-1"))
        #expect(ok.itemName == "Item OK-1")
        #expect(ok.price == Decimal(string: "19.99"))
        #expect(ok.currency == "USD")
        #expect(ok.quantity == 12)
        #expect(await fixture.simulator.listing(sku: "REJECT-1") == nil)
        #expect(await fixture.simulator.listing(sku: "WARN-1")?.deleted == false)
    }

    @Test func schemaInvalidDocumentIsFatalWithAReport() async throws {
        let fixture = try await AmazonClientFixture.start()
        defer { Task { await fixture.stop() } }
        let client = fixture.client()
        let broken = Data(#"{"header": {"sellerId": "A2TESTSELLER", "version": "1.0"}, "messages": []}"#.utf8)
        #expect(try await OfficialSchema.errors(of: broken, schema: "listings-feed-schema-v2.json").isEmpty == false)
        let submitted = try await client.submitFeed(broken)
        let feed = try await client.getFeed(submitted.feedID)
        #expect(feed.processingStatus == .fatal)
        let json = try await client.downloadReport(feedDocumentID: try #require(feed.resultFeedDocumentID))
        #expect(try await OfficialSchema.errors(of: json, schema: "listings-feed-processing-report-schema-v2.json") == [])
        let report = try JSONDecoder().decode(ListingsFeedProcessingReport.self, from: json)
        #expect(report.summary.messagesProcessed == 0)
        #expect(report.issues.count == 1)
        #expect(report.issues.first?.messageId == nil)
        #expect(report.issues.first?.message.contains("version") == true)
    }

    @Test func oneSchemaInvalidMessageMakesTheWholeFeedFatal() async throws {
        let fixture = try await AmazonClientFixture.start()
        defer { Task { await fixture.stop() } }
        let client = fixture.client()
        let document = try JSONSerialization.data(withJSONObject: [
            "header": ["sellerId": AmazonClientFixture.configuration.sellerID, "version": "2.0"],
            "messages": [
                ["messageId": 1, "sku": "FINE-1", "operationType": "DELETE"],
                // PATCH takes patches, not attributes (the schema's oneOf).
                [
                    "messageId": 2, "sku": "BAD-1", "operationType": "PATCH", "productType": "PRODUCT",
                    "attributes": ["item_name": [["value": "x"]]],
                ],
            ],
        ])
        #expect(try await OfficialSchema.errors(of: document, schema: "listings-feed-schema-v2.json").isEmpty == false)
        let feed = try await client.getFeed(try await client.submitFeed(document).feedID)
        #expect(feed.processingStatus == .fatal)
        let json = try await client.downloadReport(feedDocumentID: try #require(feed.resultFeedDocumentID))
        #expect(try await OfficialSchema.errors(of: json, schema: "listings-feed-processing-report-schema-v2.json") == [])
        let report = try JSONDecoder().decode(ListingsFeedProcessingReport.self, from: json)
        #expect(report.summary.messagesAccepted == 0)
        #expect(report.issuesByMessageID[1] == nil)
        let issues = try #require(report.issuesByMessageID[2])
        #expect(
            issues.map(\.message).sorted() == [
                "'attributes' is not applicable to PATCH operations.",
                "PATCH operations require a non-empty 'patches' array.",
            ])
        #expect(await fixture.simulator.listings().isEmpty)
    }

    @Test func listingStoreAppliesPatchMergeDeleteAndRelationships() async throws {
        let fixture = try await AmazonClientFixture.start()
        defer { Task { await fixture.stop() } }
        let client = fixture.client()
        _ = try await client.getFeed(
            try await client.submitFeed(AmazonClientFixture.feed(skus: ["P-1", "C-1", "GONE-1"])).feedID)
        let messages: [[String: Any]] = [
            [
                "messageId": 1, "sku": "P-1", "operationType": "PARTIAL_UPDATE", "productType": "PRODUCT",
                "attributes": [
                    "parentage_level": [["value": "parent", "marketplace_id": "ATVPDKIKX0DER"]],
                    "variation_theme": [["name": "SIZE/COLOR"]],
                ],
            ],
            [
                "messageId": 2, "sku": "C-1", "operationType": "PATCH", "productType": "PRODUCT",
                "patches": [
                    [
                        "op": "replace", "path": "/attributes/child_parent_sku_relationship",
                        "value": [
                            ["child_relationship_type": "variation", "parent_sku": "P-1", "marketplace_id": "ATVPDKIKX0DER"]
                        ],
                    ],
                    [
                        "op": "replace", "path": "/attributes/main_product_image_locator",
                        "value": [
                            ["media_location": "https://img.example.com/C-1/v2/main.jpg", "marketplace_id": "ATVPDKIKX0DER"]
                        ],
                    ],
                    [
                        "op": "replace", "path": "/attributes/other_product_image_locator_1",
                        "value": [["media_location": "https://img.example.com/C-1/v2/1.jpg", "marketplace_id": "ATVPDKIKX0DER"]],
                    ],
                    [
                        "op": "replace", "path": "/attributes/merchant_shipping_group",
                        "value": [["value": "legacy-template-id", "marketplace_id": "ATVPDKIKX0DER"]],
                    ],
                    [
                        "op": "replace", "path": "/attributes/fulfillment_availability",
                        "value": [["fulfillment_channel_code": "DEFAULT", "quantity": 5]],
                    ],
                    [
                        "op": "merge", "path": "/attributes/fulfillment_availability",
                        "value": [["quantity": 0]],
                    ],
                ],
            ],
            ["messageId": 3, "sku": "GONE-1", "operationType": "DELETE"],
        ]
        let document = try JSONSerialization.data(withJSONObject: [
            "header": ["sellerId": AmazonClientFixture.configuration.sellerID, "version": "2.0"], "messages": messages,
        ])
        #expect(try await OfficialSchema.errors(of: document, schema: "listings-feed-schema-v2.json") == [])
        let feed = try await client.getFeed(try await client.submitFeed(document).feedID)
        #expect(feed.processingStatus == .done)

        let parent = try #require(await fixture.simulator.listing(sku: "P-1"))
        #expect(parent.parentageLevel == "parent")
        #expect(parent.variationTheme == "SIZE/COLOR")
        #expect(parent.itemName == "Item P-1")  // PARTIAL_UPDATE kept the other attributes
        let child = try #require(await fixture.simulator.listing(sku: "C-1"))
        #expect(child.parentSKU == "P-1")
        #expect(child.mainImage == "https://img.example.com/C-1/v2/main.jpg")
        #expect(child.otherImages == ["https://img.example.com/C-1/v2/1.jpg"])
        #expect(child.shippingGroup == "legacy-template-id")
        #expect(child.quantity == 0)
        #expect(await fixture.simulator.listing(sku: "GONE-1")?.deleted == true)
    }

    @Test func uploadWithoutTheDocumentsContentTypeIsRefused() async throws {
        let fixture = try await AmazonClientFixture.start()
        defer { Task { await fixture.stop() } }
        let client = fixture.client()
        let upload = try await client.createFeedDocument(contentType: "application/json; charset=UTF-8")
        let mismatched = FeedDocumentUpload(feedDocumentID: upload.feedDocumentID, url: upload.url, contentType: "text/plain")
        do {
            try await client.upload(Data("{}".utf8), to: mismatched)
            Issue.record("expected a refused upload")
        } catch {
            guard case .retryable(let message) = error.jobError else { Issue.record("got \(error)"); return }
            #expect(message.contains("HTTP 400"))
            #expect(!message.contains("X-Amz-Signature"))  // the pre-signed query never reaches a message
        }
        try await client.upload(Data("{}".utf8), to: upload)
        #expect(await fixture.simulator.stats().uploads == 1)
        #expect(await fixture.simulator.stats().refusedUploads == 1)
    }
}
