import Amazon
import Foundation
import Testing

/// Every feed built here is validated against listings-feed-schema-v2.json.
@Suite struct FeedBuilderTests {
    static let settings = FeedSettings(
        sellerID: "A2SELLER", marketplaceID: "ATVPDKIKX0DER",
        imageBaseURL: "https://img.example.com/p/", defaultProductType: "SHIRT",
        currency: "USD", leadTimeDays: 2)
    let builder = FeedBuilder(settings: FeedBuilderTests.settings)

    static func listing(_ sku: String, price: String? = "19.99") -> ListingSnapshot {
        ListingSnapshot(
            sku: sku, productType: "SHIRT", title: "Shirt \"\(sku)\"", description: "Soft\ncotton", brand: "Acme",
            bulletPoints: ["One", "Two"], price: price.flatMap { Decimal(string: $0) }, currency: "USD",
            quantity: Decimal(string: "7.6")!, imageVersion: "v3", imageCount: 3,
            variationValues: ["color": "Red", "size": "M"], variationTheme: "SIZE/COLOR", parentSKU: "SHIRT")
    }

    /// One entry of every sync type in the design's mapping table.
    static func everyType() -> [FeedEntry] {
        var parent = listing("SHIRT", price: nil)
        parent.isParent = true
        parent.parentSKU = nil
        return [
            FeedEntry(syncID: 1, type: .create, values: [:], listing: listing("S-1")),
            FeedEntry(
                syncID: 2, type: .update, values: ["name": .string("x"), "description": .null, "variation_values": .object([:])],
                listing: listing("S-2")),
            FeedEntry(syncID: 3, type: .price, values: [:], listing: listing("S-3", price: "1234567.89")),
            FeedEntry(syncID: 4, type: .inventory, values: [:], listing: listing("S-4")),
            FeedEntry(syncID: 5, type: .image, values: [:], listing: listing("S-5")),
            FeedEntry(syncID: 6, type: .relationship, values: [:], listing: listing("S-6")),
            FeedEntry(syncID: 7, type: .relationship, values: [:], listing: parent),
            FeedEntry(
                syncID: 8, type: .override, values: [:],
                listing: {
                    var l = listing("S-8"); l.shippingGroup = "Express"; return l
                }()),
            FeedEntry(syncID: 9, type: .deactivate, values: [:], listing: listing("S-9")),
            FeedEntry(syncID: 10, type: .delete, values: ["default_code": .string("S-10")], listing: nil),
            FeedEntry(
                syncID: 11, type: .delete, values: ["skus": .array([.string("FAM"), .string("FAM-1"), .string("FAM-2")])],
                listing: nil),
            FeedEntry(syncID: 12, type: .update, values: ["amazon_product_type": .string("SHOES")], listing: listing("S-12")),
            FeedEntry(syncID: 13, type: .override, values: [:], listing: listing("S-13")),
        ]
    }

    static func messages(_ document: ListingsFeedDocument) throws -> [[String: Any]] {
        let root = try JSONSerialization.jsonObject(with: document.data) as! [String: Any]
        return root["messages"] as! [[String: Any]]
    }

    @Test func everySyncTypeBuildsAValidFeed() async throws {
        let build = builder.build(Self.everyType())
        #expect(build.rejected.isEmpty)
        #expect(build.documents.count == 1)
        let document = build.documents[0]
        #expect(try await SchemaValidator.errors(in: document.data, schema: SchemaValidator.feedSchema) == [])
        let messages = try Self.messages(document)
        #expect(messages.count == 15)
        #expect(messages.map { $0["messageId"] as! Int } == Array(1...15))
        #expect(document.messages.map(\.syncID) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 11, 12, 13])
        #expect(document.messages.map(\.sku) == messages.map { $0["sku"] as! String })
        #expect(messages[0]["operationType"] as? String == "UPDATE")
        #expect(messages[0]["requirements"] as? String == "LISTING")
        #expect(messages[9]["operationType"] as? String == "DELETE")
        #expect(Array(messages[10...12]).map { $0["sku"] as! String } == ["FAM", "FAM-1", "FAM-2"])
    }

    @Test func pricesGoOutDigitForDigit() async throws {
        let entries = ["0.1", "19.99", "1234567.89", "0.07", "99999999999999.99"].enumerated().map { index, price in
            FeedEntry(syncID: Int64(index + 1), type: .price, values: [:], listing: Self.listing("P-\(index)", price: price))
        }
        let document = try #require(builder.build(entries).documents.first)
        let text = String(decoding: document.data, as: UTF8.self)
        for price in [
            "\"value_with_tax\":0.1}", "\"value_with_tax\":19.99}", "\"value_with_tax\":1234567.89}",
            "\"value_with_tax\":0.07}", "\"value_with_tax\":99999999999999.99}",
        ] {
            #expect(text.contains(price), "\(price) not in the feed")
        }
        #expect(try await SchemaValidator.errors(in: document.data, schema: SchemaValidator.feedSchema) == [])
    }

    @Test func attributesFollowTheMappingTable() throws {
        let document = try #require(builder.build(Self.everyType()).documents.first)
        let messages = try Self.messages(document)
        func patch(_ message: Int) -> [[String: Any]] { messages[message]["patches"] as! [[String: Any]] }
        #expect(patch(3).first?["path"] as? String == "/attributes/fulfillment_availability")
        let availability = (patch(3).first?["value"] as! [[String: Any]]).first!
        #expect(availability["quantity"] as? Int == 7, "7.6 units on hand are 7 sellable")
        #expect(availability["lead_time_to_ship_max_days"] as? Int == 2)
        #expect(
            patch(4).map { $0["path"] as! String } == [
                "/attributes/main_product_image_locator",
                "/attributes/other_product_image_locator_1", "/attributes/other_product_image_locator_2",
            ])
        let main = (patch(4)[0]["value"] as! [[String: Any]])[0]["media_location"] as? String
        #expect(main == "https://img.example.com/p/S-5/v3/main.jpg")
        #expect(
            patch(5).map { $0["path"] as! String } == [
                "/attributes/parentage_level", "/attributes/child_parent_sku_relationship",
                "/attributes/variation_theme",
            ])
        #expect(patch(6).map { $0["path"] as! String } == ["/attributes/parentage_level", "/attributes/variation_theme"])
        #expect(patch(7).first?["path"] as? String == "/attributes/merchant_shipping_group")
        let zero = (patch(8).first?["value"] as! [[String: Any]]).first!
        #expect(zero["quantity"] as? Int == 0)
        #expect(patch(14).first?["op"] as? String == "delete", "no shipping group: the override is removed")
    }

    @Test func entriesThatCannotBeSentAreRejectedWithTheReason() async throws {
        var noTheme = Self.listing("PARENT", price: nil)
        noTheme.isParent = true
        noTheme.variationTheme = nil
        let entries = [
            FeedEntry(syncID: 1, type: .price, values: [:], listing: Self.listing("NP", price: nil)),
            FeedEntry(syncID: 2, type: .inventory, values: [:], listing: Self.listing("OK")),
            FeedEntry(syncID: 3, type: .relationship, values: [:], listing: noTheme),
            FeedEntry(syncID: 4, type: .update, values: [:], listing: nil),
            FeedEntry(syncID: 5, type: .delete, values: [:], listing: nil),
        ]
        let build = builder.build(entries)
        #expect(build.rejected.map(\.syncID) == [1, 3, 4, 5])
        #expect(build.rejected[0].reason.contains("NP has no list_price"))
        #expect(build.documents.count == 1 && build.documents[0].messages.map(\.syncID) == [2])
        #expect(try await SchemaValidator.errors(in: build.documents[0].data, schema: SchemaValidator.feedSchema) == [])
        #expect(builder.build([entries[0]]).documents.isEmpty, "nothing to send is no feed, not an empty one")
    }

    @Test func documentsSplitAtTheMessageLimitWithIdsUniquePerFeed() async throws {
        let small = FeedBuilder(settings: Self.settings, maxMessages: 4)
        let entries = (1...10).map {
            FeedEntry(syncID: Int64($0), type: .inventory, values: [:], listing: Self.listing("I-\($0)"))
        }
        let build = small.build(entries)
        #expect(build.documents.map(\.messages.count) == [4, 4, 2])
        #expect(build.documents.flatMap(\.messages).map(\.syncID) == Array(1...10))
        for document in build.documents {
            #expect(document.messages.map(\.messageID) == Array(1...document.messages.count))
            #expect(try await SchemaValidator.errors(in: document.data, schema: SchemaValidator.feedSchema) == [])
        }
    }

    @Test func anEntrysMessagesStayInOneDocument() {
        let small = FeedBuilder(settings: Self.settings, maxMessages: 4)
        let entries = [
            FeedEntry(syncID: 1, type: .inventory, values: [:], listing: Self.listing("A")),
            FeedEntry(syncID: 2, type: .inventory, values: [:], listing: Self.listing("B")),
            FeedEntry(
                syncID: 3, type: .delete, values: ["skus": .array([.string("F"), .string("F-1"), .string("F-2")])], listing: nil),
        ]
        let build = small.build(entries)
        #expect(build.documents.map { $0.messages.map(\.syncID) } == [[1, 2], [3, 3, 3]])
    }

    @Test func aFullFeedHoldsTwentyFiveThousandMessagesAndValidates() async throws {
        let types: [SyncType] = [.create, .update, .price, .inventory, .image]
        var entries: [FeedEntry] = []
        for index in 1...25_001 {
            let type = types[index % types.count]
            entries.append(
                FeedEntry(
                    syncID: Int64(index), type: type, values: ["name": .string("n")],
                    listing: Self.listing("BULK-\(index)")))
        }
        let build = builder.build(entries)
        #expect(build.documents.map { $0.messages.count } == [25_000, 1])
        #expect(Set(build.documents[0].messages.map { $0.messageID }).count == 25_000)
        for document in build.documents {
            #expect(try await SchemaValidator.errors(in: document.data, schema: SchemaValidator.feedSchema) == [])
        }
    }

    @Test func theValidatorRejectsAnInvalidFeed() async throws {
        let bad = Data(
            #"{"header":{"sellerId":"A","version":"2.0"},"messages":[{"messageId":0,"sku":"","operationType":"PATCH","productType":"X"}]}"#
                .utf8)
        let errors = try await SchemaValidator.errors(in: bad, schema: SchemaValidator.feedSchema)
        #expect(!errors.isEmpty, "a real validator finds the bad message id, the empty SKU and the missing patches")
    }
}
