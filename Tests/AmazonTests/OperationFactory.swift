import Amazon
import ExactJSON
import Foundation

/// Builds operation rows for the transformer's tests: ids and timestamps
/// increase with each call, so the order written is the order applied.
struct OperationFactory {
    private var next: Int64 = 1
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    mutating func op(
        _ record: RecordKey, _ operation: RecordOperation, template: Int64? = nil,
        _ data: [String: JSONValue] = [:], at seconds: Double? = nil
    ) -> ProductOperation {
        defer { next += 1 }
        let templateID = template ?? (record.model == .productTemplate ? record.id : nil)
        return ProductOperation(
            id: next, record: record, templateID: templateID, operation: operation, data: data,
            timestamp: start.addingTimeInterval(seconds ?? Double(next)))
    }

    /// A variant create as the trigger writes it.
    mutating func createVariant(
        _ id: Int64, sku: String?, active: Bool = true, template: Int64? = nil,
        extra: [String: JSONValue] = [:]
    ) -> ProductOperation {
        var data: [String: JSONValue] = [
            "default_code": sku.map(JSONValue.string) ?? .null, "name": .string("Product \(id)"),
            "amazon_sync_active": .bool(active),
        ]
        data.merge(extra) { $1 }
        return op(.variant(id), .create, template: template, data)
    }
}

extension JSONValue {
    static func num(_ text: String) -> JSONValue { .number(Decimal(string: text)!) }
}
