/// The kinds of sync row, one per JSON_LISTINGS_FEED message shape (see the
/// design's mapping table).
public enum SyncType: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case create, update, price, inventory, image, relationship, override, deactivate, delete

    /// Types that change a listing's offer or media: they wait until the
    /// record's create is accepted (rule 7).
    public var waitsForCreate: Bool {
        switch self {
        case .create, .delete: false
        default: true
        }
    }

    public static func < (lhs: SyncType, rhs: SyncType) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
