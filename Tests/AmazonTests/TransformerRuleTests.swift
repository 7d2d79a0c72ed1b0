import Amazon
import ExactJSON
import Foundation
import Testing

/// One case per transformation rule of amazon-sync.md, on the pure transformer.
@Suite struct TransformerRuleTests {
    let transformer = CatalogTransformer()
    let listed = CatalogState(variants: [
        1: .init(sku: "A1", syncActive: true),
        2: .init(sku: "B2", syncActive: true),
    ])

    @Test func rule1_unlinkWinsOverEverythingBefore() {
        var f = OperationFactory()
        let ops = [
            f.op(.variant(1), .write, ["name": .string("New name")]),
            f.op(.variant(1), .write, ["list_price": .num("9.99")]),
            f.op(.variant(1), .unlink, ["default_code": .string("A1"), "amazon_sync_active": .bool(true)]),
        ]
        let open = [
            OpenSyncRow(
                id: 50, record: .variant(1), templateID: nil, type: .price, status: .new, values: ["list_price": .num("8")])
        ]
        let result = transformer.transform(operations: ops, openRows: open, state: CatalogState())
        #expect(
            result.changes == [
                SyncChange(record: .variant(1), templateID: nil, type: .delete, values: ["default_code": .string("A1")])
            ])
        #expect(result.superseded == [50], "the pending price is moot once the listing is deleted")
    }

    @Test func rule1_templateUnlinkDropsEveryVariantOperation() {
        var f = OperationFactory()
        let ops = [
            f.op(.variant(11), .write, template: 10, ["name": .string("Red")]),
            f.op(.variant(12), .write, template: 10, ["quantity": .num("4")]),
            f.op(.variant(11), .unlink, template: 10, ["default_code": .string("SHIRT-R")]),
            f.op(.variant(12), .unlink, template: 10, ["default_code": .string("SHIRT-B")]),
            f.op(.template(10), .unlink, ["default_code": .string("SHIRT")]),
            f.op(.variant(2), .write, ["quantity": .num("1")]),
        ]
        let open = [OpenSyncRow(id: 7, record: .variant(11), templateID: 10, type: .inventory, status: .failure, values: [:])]
        let result = transformer.transform(operations: ops, openRows: open, state: listed)
        #expect(result.changes.count == 2)
        let delete = result.change(.template(10), .delete)
        #expect(delete?.values["skus"] == .array([.string("SHIRT"), .string("SHIRT-R"), .string("SHIRT-B")]))
        #expect(result.changes.allSatisfy { $0.record.model == .productTemplate || $0.record == .variant(2) })
        #expect(result.change(.variant(2), .inventory) != nil, "other records are not affected")
        #expect(result.superseded == [7])
    }

    @Test func rule2_createFollowedByWritesIsOneCreateWithMergedValues() {
        var f = OperationFactory()
        let ops = [
            f.createVariant(1, sku: "A1", extra: ["price_override": .num("10.00")]),
            f.op(.variant(1), .write, ["name": .string("Better name")]),
            f.op(.variant(1), .write, ["price_override": .num("12.50"), "quantity": .num("3")]),
        ]
        let result = transformer.transform(operations: ops, openRows: [], state: listed)
        #expect(result.changes.count == 1)
        let create = result.change(.variant(1), .create)
        #expect(create?.values["name"] == .string("Better name"))
        #expect(create?.values["price_override"] == .num("12.50"))
        #expect(create?.values["quantity"] == .num("3"))
        #expect(create?.values["default_code"] == .string("A1"))
    }

    @Test func rule3_singleVariantTemplateAndVariantCreatesBecomeOneProductCreate() {
        var f = OperationFactory()
        let ops = [
            f.op(
                .template(5), .create,
                [
                    "name": .string("Mug"), "brand": .string("Acme"), "list_price": .num("7.25"),
                    "default_code": .null, "amazon_sync_active": .bool(false),
                ]),
            f.createVariant(51, sku: "MUG-1", template: 5),
        ]
        let state = CatalogState(
            variants: [51: .init(templateID: 5, sku: "MUG-1", syncActive: true)],
            templates: [5: .init(sku: nil, syncActive: false, variantIDs: [51])])
        let result = transformer.transform(operations: ops, openRows: [], state: state)
        #expect(result.changes.count == 1)
        let create = result.change(.variant(51), .create)
        #expect(create?.templateID == 5)
        #expect(create?.values["brand"] == .string("Acme"), "the template's values are in the product create")
        #expect(create?.values["list_price"] == .num("7.25"))
        #expect(create?.values["default_code"] == .string("MUG-1"))
        #expect(result.change(.template(5), .create) == nil)
    }

    @Test func rule3_multiVariantTemplateIsAParentCreatePlusChildCreates() {
        var f = OperationFactory()
        let ops = [
            f.op(
                .template(9), .create,
                [
                    "name": .string("Shirt"), "default_code": .string("SHIRT"),
                    "amazon_sync_active": .bool(true), "brand": .string("Acme"),
                ]),
            f.createVariant(91, sku: "SHIRT-R", template: 9),
            f.createVariant(92, sku: "SHIRT-B", template: 9),
        ]
        let result = transformer.transform(operations: ops, openRows: [], state: CatalogState())
        #expect(Set(result.changes.map(\.record)) == [.template(9), .variant(91), .variant(92)])
        #expect(result.changes.allSatisfy { $0.type == .create })
        #expect(result.change(.variant(92), .create)?.values["brand"] == .string("Acme"))
    }

    @Test func rule4_severalWritesMergeInTimestampOrderLaterWinning() {
        var f = OperationFactory()
        // Written out of order: the ids say one thing, the timestamps another.
        let late = f.op(.variant(1), .write, ["name": .string("Third"), "brand": .string("B")], at: 300)
        let early = f.op(.variant(1), .write, ["name": .string("First"), "description": .string("d")], at: 100)
        let middle = f.op(.variant(1), .write, ["name": .string("Second"), "brand": .string("A")], at: 200)
        let result = transformer.transform(operations: [late, early, middle], openRows: [], state: listed)
        #expect(
            result.changes == [
                SyncChange(
                    record: .variant(1), templateID: nil, type: .update,
                    values: ["name": .string("Third"), "brand": .string("B"), "description": .string("d")])
            ])
    }

    @Test func rule4_writesSplitIntoOneRowPerSyncType() {
        var f = OperationFactory()
        let ops = [
            f.op(.variant(1), .write, ["name": .string("N"), "price_override": .num("3.10")]),
            f.op(.variant(1), .write, ["quantity": .num("8"), "amazon_shipping_group": .string("Express")]),
        ]
        let result = transformer.transform(operations: ops, openRows: [], state: listed)
        #expect(result.changes.map(\.type).sorted() == [.update, .price, .inventory, .override])
        #expect(result.change(.variant(1), .price)?.values == ["price_override": .num("3.10")])
    }

    @Test func rule5_falseToTrueIsACreate() {
        var f = OperationFactory()
        let state = CatalogState(variants: [3: .init(sku: "C3", syncActive: true)])
        let result = transformer.transform(
            operations: [f.op(.variant(3), .write, ["amazon_sync_active": .bool(true)])],
            openRows: [], state: state)
        #expect(result.changes.map(\.type) == [.create])
    }

    @Test func rule5_trueToFalseIsADeactivate() {
        var f = OperationFactory()
        let open = [
            OpenSyncRow(
                id: 4, record: .variant(1), templateID: nil, type: .inventory, status: .new, values: ["quantity": .num("5")])
        ]
        let result = transformer.transform(
            operations: [f.op(.variant(1), .write, ["amazon_sync_active": .bool(false), "quantity": .num("2")])],
            openRows: open, state: CatalogState(variants: [1: .init(sku: "A1", syncActive: false)]))
        #expect(
            result.changes == [
                SyncChange(
                    record: .variant(1), templateID: nil, type: .deactivate,
                    values: ["amazon_sync_active": .bool(false)])
            ])
        #expect(result.superseded == [4], "a pending quantity must not re-list it")
    }

    @Test func rule5_createdInactiveOrWithoutSKUIsIgnored() {
        var f = OperationFactory()
        let ops = [
            f.createVariant(7, sku: "G7", active: false),
            f.op(.variant(7), .write, ["name": .string("still ignored")]),
            f.createVariant(8, sku: nil, active: true),
            f.op(.variant(8), .write, ["quantity": .num("1")]),
        ]
        let state = CatalogState(variants: [7: .init(sku: "G7", syncActive: false), 8: .init(sku: nil, syncActive: true)])
        let result = transformer.transform(operations: ops, openRows: [], state: state)
        #expect(result.changes.isEmpty)
        #expect(result.ignoredOperations == 4)
    }

    @Test func rule5_writesOfAnUnlistedRecordAreIgnored() {
        var f = OperationFactory()
        let result = transformer.transform(
            operations: [f.op(.variant(7), .write, ["name": .string("x")])], openRows: [],
            state: CatalogState(variants: [7: .init(sku: "G7", syncActive: false)]))
        #expect(result.changes.isEmpty)
    }

    @Test func rule6_changedImageVersionIsAnImageSync() {
        var f = OperationFactory()
        let result = transformer.transform(
            operations: [f.op(.variant(2), .write, ["amazon_image_version": .string("v2")])],
            openRows: [], state: listed)
        #expect(
            result.changes == [
                SyncChange(
                    record: .variant(2), templateID: nil, type: .image,
                    values: ["amazon_image_version": .string("v2")])
            ])
    }

    @Test func rule7_followUpsAfterAnAcceptedCreate() {
        let state = CatalogState(
            variants: [
                1: .init(sku: "A1", syncActive: true, imageVersion: "v1"),
                21: .init(templateID: 20, sku: "S-R", syncActive: true),
                22: .init(templateID: 20, sku: "S-B", syncActive: true),
            ],
            templates: [20: .init(sku: "S", syncActive: true, variantIDs: [21, 22], imageVersion: "p1")])
        #expect(
            CatalogTransformer.followUps(acceptedCreateOf: .variant(1), state: state).map(\.type) == [.price, .inventory, .image])
        #expect(
            CatalogTransformer.followUps(acceptedCreateOf: .variant(21), state: state).map(\.type) == [
                .price, .inventory, .relationship,
            ])
        #expect(
            CatalogTransformer.followUps(acceptedCreateOf: .template(20), state: state).map(\.type) == [.relationship, .image])
        #expect(CatalogTransformer.followUps(acceptedCreateOf: .variant(99), state: state).isEmpty)
    }

    @Test func rule7_offerWritesWaitInsideACreateNotYetAccepted() {
        var f = OperationFactory()
        let open = [
            OpenSyncRow(id: 1, record: .variant(1), templateID: nil, type: .create, status: .new, values: ["name": .string("A")])
        ]
        let result = transformer.transform(
            operations: [f.op(.variant(1), .write, ["price_override": .num("4.40")])],
            openRows: open, state: listed)
        #expect(
            result.changes == [
                SyncChange(
                    record: .variant(1), templateID: nil, type: .create,
                    values: ["name": .string("A"), "price_override": .num("4.40")])
            ])
        #expect(SyncType.price.waitsForCreate && !SyncType.create.waitsForCreate)
    }

    @Test func rule8_failedCreateIsRetriedWhenTheRecordHasANewWrite() {
        var f = OperationFactory()
        let open = [
            OpenSyncRow(
                id: 3, record: .variant(1), templateID: nil, type: .create, status: .failure,
                values: ["name": .string("bad"), "brand": .string("X")])
        ]
        let fixed = transformer.transform(
            operations: [f.op(.variant(1), .write, ["name": .string("good")])], openRows: open, state: listed)
        #expect(
            fixed.changes == [
                SyncChange(
                    record: .variant(1), templateID: nil, type: .create,
                    values: ["name": .string("good"), "brand": .string("X")])
            ])
        let untouched = transformer.transform(operations: [], openRows: open, state: listed)
        #expect(untouched.changes.isEmpty, "no new write, no retry")
    }

    @Test func rule8_failedUpdateIsRetriedWithTheNewWrite() {
        var f = OperationFactory()
        let open = [
            OpenSyncRow(
                id: 3, record: .variant(1), templateID: nil, type: .update, status: .failure,
                values: ["description": .string("d")]),
            OpenSyncRow(
                id: 4, record: .variant(1), templateID: nil, type: .price, status: .failure, values: ["price_override": .num("1")]
            ),
        ]
        let result = transformer.transform(
            operations: [f.op(.variant(1), .write, ["name": .string("n")])], openRows: open, state: listed)
        #expect(result.change(.variant(1), .update)?.values == ["description": .string("d"), "name": .string("n")])
        #expect(
            result.change(.variant(1), .price)?.values == ["price_override": .num("1")],
            "every failed row of the record is retried")
    }

    @Test func rule8_failedUnlinkIsTriedOnceOnly() {
        var f = OperationFactory()
        let open = [
            OpenSyncRow(
                id: 9, record: .variant(2), templateID: nil, type: .delete, status: .failure,
                values: ["default_code": .string("B2")])
        ]
        let result = transformer.transform(
            operations: [f.op(.variant(2), .write, ["name": .string("n")])], openRows: open, state: listed)
        #expect(result.change(.variant(2), .delete) == nil, "a failed delete waits for a person")
        #expect(result.change(.variant(2), .update) != nil)
    }

    @Test func rule8_rowsOfAFatalFeedAreRetriedWithoutANewWrite() {
        let open = [
            OpenSyncRow(
                id: 9, record: .variant(2), templateID: nil, type: .inventory, status: .failure,
                values: ["quantity": .num("3")], retryUnchanged: true)
        ]
        let result = transformer.transform(operations: [], openRows: open, state: listed)
        #expect(
            result.changes == [
                SyncChange(record: .variant(2), templateID: nil, type: .inventory, values: ["quantity": .num("3")])
            ])
    }
}

/// The jsonb reader the store uses.
@Suite struct JSONValueTests {
    @Test func readsJsonbTextExactly() throws {
        let text =
            #"{"a": 19.99, "b": [true, false, null, -1.5e2], "c": "x\"\u00e9\ud83d\ude00\n", "d": {}, "e": 12345678901234567.89}"#
        let value = try JSONValue.object(parsing: text)
        #expect(value["a"] == .number(Decimal(string: "19.99")!))
        #expect(value["b"] == .array([.bool(true), .bool(false), .null, .number(-150)]))
        #expect(value["c"] == .string("x\"é😀\n"))
        #expect(value["d"] == .object([:]))
        #expect(value["e"]?.numericValue == Decimal(string: "12345678901234567.89"))
        #expect(try JSONValue.object(parsing: JSONValue.object(value).description) == value, "what the writer writes reads back")
        #expect(throws: (any Error).self) { try JSONValue.object(parsing: #"{"a": }"#) }
        #expect(throws: (any Error).self) { try JSONValue.object(parsing: "[1]") }
    }
}
