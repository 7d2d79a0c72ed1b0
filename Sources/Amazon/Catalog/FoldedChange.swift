import ExactJSON

/// What one record's operations in a batch amount to, before the merge with
/// its open sync rows.
enum FoldedChange: Sendable, Equatable {
    case nothing
    case delete([String: JSONValue])
    case create([String: JSONValue])
    case deactivate([String: JSONValue])
    case writes([SyncType: [String: JSONValue]])
}
