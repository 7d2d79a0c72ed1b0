/// Why an operator action was not done. jobctl maps each case to its own exit code.
public enum JobAdminError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    /// The job exists but is in a state that forbids the action.
    case refused(String)
    /// The input itself is wrong (bad JSON, unknown state name).
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let message), .refused(let message), .invalid(let message): return message
        }
    }
}
