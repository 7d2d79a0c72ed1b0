/// Why a request was refused; each case is one HTTP status and a page saying
/// what went wrong in words an operator can act on.
public enum ConsoleError: Error, Sendable, CustomStringConvertible {
    /// 400: the form or query is malformed.
    case badRequest(String)
    /// 403: the role may not do this, or the CSRF token is missing or wrong.
    case forbidden(String)
    /// 404: no such page, job, account or file.
    case notFound(String)
    /// 405: a GET where a POST belongs, or the other way round.
    case methodNotAllowed(String)
    /// 409: the action is refused in the current state (e.g. retrying a done job).
    case conflict(String)
    /// 413: the body is larger than the console reads.
    case tooLarge(String)
    /// 500: the console's own fault.
    case internalError(String)

    /// The HTTP status code.
    public var status: Int {
        switch self {
        case .badRequest: return 400
        case .forbidden: return 403
        case .notFound: return 404
        case .methodNotAllowed: return 405
        case .conflict: return 409
        case .tooLarge: return 413
        case .internalError: return 500
        }
    }

    /// The message shown on the error page.
    public var description: String {
        switch self {
        case .badRequest(let message), .forbidden(let message), .notFound(let message), .methodNotAllowed(let message),
            .conflict(let message), .tooLarge(let message), .internalError(let message):
            return message
        }
    }
}
