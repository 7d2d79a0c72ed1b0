/// Every failure the libpq wrapper reports. Callers switch on the case to decide
/// whether to retry (`connection`, `connectionLost`) or give up (`server` with a
/// data or constraint SQLSTATE); the server case keeps the SQLSTATE so that code
/// never has to parse English error messages.
public enum PostgresError: Error, Sendable, CustomStringConvertible {
    /// `PQconnectdb` failed: wrong host, server down, bad credentials.
    case connectFailed(message: String)
    /// The connection broke during or before a command (server restart, network).
    case connectionLost(message: String)
    /// The server rejected a command.
    case server(PostgresServerError)
    /// The command was cancelled from Swift (task cancellation → `PQcancel`).
    case cancelled
    /// A column's text could not be read as the requested Swift type.
    case decoding(column: String, type: String, value: String?)
    /// libpq refused to do something (out of memory, pipeline misuse).
    case client(message: String)

    public var description: String {
        switch self {
        case .connectFailed(let message): return "could not connect to PostgreSQL: \(message)"
        case .connectionLost(let message): return "lost the PostgreSQL connection: \(message)"
        case .server(let error): return error.description
        case .cancelled: return "the query was cancelled"
        case .decoding(let column, let type, let value):
            return "column \(column): cannot read \(value.map { "'\($0.prefix(40))'" } ?? "NULL") as \(type)"
        case .client(let message): return "libpq: \(message)"
        }
    }

    /// True when the failure is about reaching the server rather than about the
    /// command itself, so retrying after a reconnect is the right answer.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectFailed, .connectionLost: return true
        case .server(let error): return error.isConnectionProblem
        case .cancelled, .decoding, .client: return false
        }
    }

    /// The SQLSTATE, when the server sent one.
    public var sqlState: String? {
        if case .server(let error) = self { return error.sqlState }
        return nil
    }
}

/// The fields of a server `ErrorResponse` that callers act on or show to people.
public struct PostgresServerError: Error, Sendable, CustomStringConvertible {
    public var sqlState: String
    public var severity: String
    public var message: String
    public var detail: String?
    public var hint: String?
    public var table: String?
    public var column: String?
    public var constraint: String?

    public init(
        sqlState: String, severity: String = "ERROR", message: String, detail: String? = nil,
        hint: String? = nil, table: String? = nil, column: String? = nil, constraint: String? = nil
    ) {
        self.sqlState = sqlState
        self.severity = severity
        self.message = message
        self.detail = detail
        self.hint = hint
        self.table = table
        self.column = column
        self.constraint = constraint
    }

    public var description: String {
        var text = "\(severity) \(sqlState): \(message)"
        if let detail { text += " (\(detail))" }
        if let hint { text += " hint: \(hint)" }
        return text
    }

    /// Class 08 (connection exception), 57P01..57P03 (admin shutdown, crash
    /// shutdown, cannot connect now) and 53300 (too many connections) clear up
    /// by themselves; everything else is about the statement.
    public var isConnectionProblem: Bool {
        sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(sqlState)
    }

    public static let uniqueViolation = "23505"
    public static let checkViolation = "23514"
    public static let notNullViolation = "23502"
    public static let foreignKeyViolation = "23503"
    public static let undefinedTable = "42P01"
}
