import ExactJSON
import Foundation

extension CatalogTransformer {
    /// Template operations in terms of listings. Shared values of a template
    /// become writes of each variant; a single-variant template is not a
    /// listing, so its create merges into its variant's create (rule 3) and
    /// its other values go to that variant too. Returns the operations, the
    /// templates that are parent listings, and how many template operations
    /// were consumed into variants.
    func expandTemplates(_ operations: [ProductOperation], state: CatalogState)
        -> (operations: [ProductOperation], parents: Set<RecordKey>, consumed: Int)
    {
        var createdInBatch: [Int64: [Int64]] = [:]
        for operation in operations where operation.record.model == .productProduct && operation.operation == .create {
            if let template = operation.templateID { createdInBatch[template, default: []].append(operation.record.id) }
        }
        var out: [ProductOperation] = []
        var parents = Set<RecordKey>()
        var consumed = 0
        for operation in operations {
            guard operation.record.model == .productTemplate, operation.operation != .unlink else {
                out.append(operation)
                continue
            }
            let template = operation.record.id
            var variants = state.templates[template]?.variantIDs ?? []
            for id in createdInBatch[template] ?? [] where !variants.contains(id) { variants.append(id) }
            let isParent = variants.count > 1
            let keys = isParent ? ChangeKeys.sharedWithVariants : ChangeKeys.sharedWithSingleVariant
            let shared = operation.data.filter { keys.contains($0.key) }
            // A template create only lends its values to variant creates of the
            // same batch: a variant created earlier reads them when its feed is built.
            let receivers = operation.operation == .create ? createdInBatch[template] ?? [] : variants
            if !shared.isEmpty {
                for variant in receivers {
                    out.append(
                        ProductOperation(
                            id: operation.id, record: .variant(variant), templateID: template,
                            operation: .write, data: shared, timestamp: operation.timestamp))
                }
            }
            if isParent {
                out.append(operation)
                parents.insert(operation.record)
            } else {
                consumed += 1
            }
        }
        return (out.sorted { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) }, parents, consumed)
    }

    /// Rules 1, 2, 4, 5 and 6 for one record's operations, in timestamp order.
    func fold(_ operations: [ProductOperation], record: RecordKey, state: CatalogState, parentOnly: Bool) -> FoldedChange {
        let current: (listed: Bool, sku: String?)? =
            switch record.model {
            case .productProduct: state.variants[record.id].map { ($0.isListed, $0.sku) }
            case .productTemplate: state.templates[record.id].map { ($0.isListed, $0.sku) }
            }
        // Rule 1: an unlink wins over everything before it.
        if let unlink = operations.last(where: { $0.operation == .unlink }) {
            let sku = unlink.data[ChangeKeys.sku]?.stringValue
            if record.model == .productProduct && sku == nil { return .nothing }
            return .delete(sku.map { [ChangeKeys.sku: .string($0)] } ?? [:])
        }
        // Rules 2 and 4: one set of values, later operations winning.
        var values: [String: JSONValue] = [:]
        var sawCreate = false
        var createCounts = false
        var flip: Bool?
        for operation in operations {
            values.merge(operation.data) { $1 }
            switch operation.operation {
            case .create:
                sawCreate = true
                createCounts =
                    operation.data[ChangeKeys.syncActive]?.boolValue == true && operation.data[ChangeKeys.sku]?.stringValue != nil
                flip = nil
            case .write:
                if let active = operation.data[ChangeKeys.syncActive]?.boolValue { flip = active }
            case .unlink:
                break
            }
        }
        let sku = values[ChangeKeys.sku]?.stringValue ?? current?.sku
        // Rule 5: the sync_active flips; a record created inactive or without a SKU is ignored.
        if sawCreate {
            if createCounts { return flip == false ? .nothing : .create(values) }
            return flip == true && sku != nil ? .create(values) : .nothing
        }
        if flip == true { return sku != nil ? .create(values) : .nothing }
        if flip == false { return sku != nil ? .deactivate([ChangeKeys.syncActive: .bool(false)]) : .nothing }
        guard current?.listed == true else { return .nothing }
        // Plain writes of a listed record; rule 6: an image version change is an image sync.
        var byType: [SyncType: [String: JSONValue]] = [:]
        for (key, value) in values {
            guard let type = ChangeKeys.syncType(of: key) else { continue }
            if parentOnly && (type == .price || type == .inventory) { continue }
            byType[type, default: [:]][key] = value
        }
        return byType.isEmpty ? .nothing : .writes(byType)
    }

    /// Merges a record's folded change with its open rows: a create not yet
    /// accepted absorbs later writes (rule 7: nothing of the offer goes before
    /// it); a Failure row is retried when the record has a new write, except a
    /// failed delete, which was tried once and now needs a person (rule 8).
    func merge(
        _ folded: FoldedChange, record: RecordKey, templateID: Int64?, open: [OpenSyncRow],
        operationCount: Int, into result: inout TransformResult
    ) {
        let openByType = Dictionary(open.map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
        func emit(_ type: SyncType, _ values: [String: JSONValue]) {
            result.changes.append(SyncChange(record: record, templateID: templateID, type: type, values: values))
        }
        switch folded {
        case .nothing:
            result.ignoredOperations += operationCount
        case .delete(let values):
            result.superseded += open.filter { $0.type != .delete }.map(\.id)
            emit(.delete, values)
        case .create(let values):
            var merged = openByType[.update]?.values ?? [:]
            merged.merge(openByType[.create]?.values ?? [:]) { $1 }
            merged.merge(values) { $1 }
            result.superseded += [openByType[.update]?.id, openByType[.deactivate]?.id].compactMap { $0 }
            emit(.create, merged)
        case .deactivate(let values):
            result.superseded += [openByType[.inventory]?.id].compactMap { $0 }
            emit(.deactivate, values)
        case .writes(let byType):
            if let pending = openByType[.create] {
                var merged = pending.values
                for type in byType.keys.sorted() { merged.merge(byType[type]!) { $1 } }
                emit(.create, merged)
            } else {
                for type in byType.keys.sorted() {
                    emit(type, (openByType[type]?.values ?? [:]).merging(byType[type]!) { $1 })
                }
            }
            for row in open where row.status == .failure && row.type != .delete && row.type != .create && byType[row.type] == nil
            {
                emit(row.type, row.values)
            }
        }
    }
}
