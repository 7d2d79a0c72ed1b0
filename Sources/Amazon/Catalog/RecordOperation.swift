/// What the ERP did to a record.
public enum RecordOperation: String, Sendable, Hashable, Codable {
    case create, write, unlink
}
