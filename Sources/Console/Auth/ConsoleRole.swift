/// A console user's role (`console_user.role`), weakest first: each role may
/// do everything the ones before it may.
public enum ConsoleRole: String, Sendable, Comparable, CaseIterable {
    /// Reads every page; changes nothing.
    case viewer
    /// Also acts on jobs, syncs and schedules.
    case `operator`
    /// Also edits accounts and their secrets.
    case admin

    var rank: Int {
        switch self {
        case .viewer: return 0
        case .operator: return 1
        case .admin: return 2
        }
    }

    /// Orders by power, so `user.role >= .operator` reads as the check it is.
    public static func < (lhs: ConsoleRole, rhs: ConsoleRole) -> Bool { lhs.rank < rhs.rank }
}
