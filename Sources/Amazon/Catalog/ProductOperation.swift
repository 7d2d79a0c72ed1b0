import ExactJSON
import Foundation

/// One `amazon_product_operation` row: an intercepted ERP change.
public struct ProductOperation: Sendable, Equatable {
    public var id: Int64
    public var record: RecordKey
    /// The record's template; for a template, its own id.
    public var templateID: Int64?
    public var operation: RecordOperation
    /// create: the record's values; write: the changed values; unlink: its SKU.
    public var data: [String: JSONValue]
    public var timestamp: Date

    public init(
        id: Int64, record: RecordKey, templateID: Int64?, operation: RecordOperation,
        data: [String: JSONValue], timestamp: Date
    ) {
        self.id = id
        self.record = record
        self.templateID = templateID
        self.operation = operation
        self.data = data
        self.timestamp = timestamp
    }
}
