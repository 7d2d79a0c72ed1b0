import ExactJSON
import Foundation

/// Rules 1–8 of the design (`amazon-sync.md`), as a pure function from a batch
/// of operations (plus the records' current state and their open sync rows)
/// to the sync rows to write. No I/O: the store feeds it and writes its
/// result in the same transaction that marks the operations processed (rule 9).
public struct CatalogTransformer: Sendable {
    public init() {}

    /// Transforms one batch. `openRows` are the New and Failure rows of the
    /// records the batch touches, plus Failure rows marked `retryUnchanged`.
    public func transform(operations: [ProductOperation], openRows: [OpenSyncRow], state: CatalogState) -> TransformResult {
        var result = TransformResult()
        let sorted = operations.sorted { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) }

        // Rule 1, template half: a template unlink drops every operation of its variants.
        let unlinkedTemplates = Set(
            sorted.filter { $0.record.model == .productTemplate && $0.operation == .unlink }.map(\.record.id))
        var familySKUs: [Int64: [String]] = [:]
        var kept: [ProductOperation] = []
        for operation in sorted {
            if operation.record.model == .productProduct, let template = operation.templateID,
                unlinkedTemplates.contains(template)
            {
                if operation.operation == .unlink, let sku = operation.data[ChangeKeys.sku]?.stringValue {
                    familySKUs[template, default: []].append(sku)
                }
                result.ignoredOperations += 1
                continue
            }
            kept.append(operation)
        }

        // Template operations reach the variants (shared values, rule 3's merge).
        let (expanded, templateOnly, consumed) = expandTemplates(kept, state: state)
        result.ignoredOperations += consumed

        var order: [RecordKey] = []
        var byRecord: [RecordKey: [ProductOperation]] = [:]
        for operation in expanded {
            if byRecord[operation.record] == nil { order.append(operation.record) }
            byRecord[operation.record, default: []].append(operation)
        }
        let openByRecord = Dictionary(grouping: openRows, by: \.record)

        for record in order {
            let operations = byRecord[record]!
            let templateID = operations.last(where: { $0.templateID != nil })?.templateID ?? templateOf(record, state: state)
            var folded = fold(operations, record: record, state: state, parentOnly: templateOnly.contains(record))
            if record.model == .productTemplate, case .delete(var values) = folded {
                let skus = (values[ChangeKeys.sku]?.stringValue.map { [$0] } ?? []) + (familySKUs[record.id] ?? [])
                values["skus"] = .array(skus.map(JSONValue.string))
                folded = skus.isEmpty ? .nothing : .delete(values)
                if skus.isEmpty { result.ignoredOperations += operations.count }
                // The variants' open rows are moot with their family.
                for (key, rows) in openByRecord
                where key.model == .productProduct && rows.contains(where: { $0.templateID == record.id }) {
                    result.superseded += rows.map(\.id)
                }
            }
            merge(
                folded, record: record, templateID: templateID, open: openByRecord[record] ?? [],
                operationCount: operations.count, into: &result)
        }

        // FATAL or cancelled feeds: retried without a new write.
        let touched = Set(order)
        for row in openRows
        where row.status == .failure && row.retryUnchanged && !touched.contains(row.record)
            && !result.superseded.contains(row.id)
        {
            result.changes.append(SyncChange(record: row.record, templateID: row.templateID, type: row.type, values: row.values))
        }
        result.superseded = Array(Set(result.superseded)).sorted()
        return result
    }

    private func templateOf(_ record: RecordKey, state: CatalogState) -> Int64? {
        switch record.model {
        case .productTemplate: record.id
        case .productProduct: state.variants[record.id]?.templateID
        }
    }
}
