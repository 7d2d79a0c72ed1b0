import CLibPQ
import Dispatch
import Foundation
import Synchronization

/// One libpq connection with a serial dispatch queue of its own.
///
/// Every libpq call for this connection runs on `queue`, never on Swift's
/// cooperative pool: a blocking `PQexecParams` parks a dispatch thread, while
/// the awaiting task is suspended on a continuation. That is how a 30-second
/// query in one job leaves every other task running.
///
/// A connection is used by one task at a time (the pool hands it out); the
/// serial queue makes concurrent misuse safe but interleaved.
///
/// After the server goes away, the next command reconnects first, unless the
/// connection was inside `transaction { }`: a transaction never silently
/// continues on a new session.
public final class PostgresConnection: @unchecked Sendable {
    // @unchecked: `connection` and `inTransaction` are touched only from closures
    // running on the serial `queue`; `cancelHandle` sits behind a Mutex. Nothing
    // else is mutable.
    public let configuration: PostgresConfiguration
    private let queue: DispatchQueue
    private var connection: OpaquePointer?
    private var inTransaction = false
    private var transactionBroken = false
    private let cancelHandle = Mutex<CancelHandle?>(nil)

    /// A connection that opens on its first command (and reopens after a loss).
    /// Use this where the server may be down at start-up and the caller retries.
    public init(configuration: PostgresConfiguration) {
        self.configuration = configuration
        self.queue = DispatchQueue(label: "postgres.connection", qos: .userInitiated)
    }

    deinit {
        if let connection { PQfinish(connection) }
    }

    /// Opens a connection, or throws `PostgresError.connectFailed` with libpq's message.
    public static func connect(_ configuration: PostgresConfiguration) async throws -> PostgresConnection {
        let connection = PostgresConnection(configuration: configuration)
        try await connection.onQueue { try connection.reconnectLocked() }
        return connection
    }

    /// Closes the session. Later commands reconnect.
    public func close() async {
        try? await onQueue { self.closeLocked() }
    }

    // MARK: Commands

    /// Runs one parameterised statement. Parameters are always sent apart from
    /// the SQL text (`PQexecParams`), so values can never be read as SQL.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> PostgresResult {
        let texts = parameters.map(\.postgresText)
        return try await onQueue { connection in
            try Self.withCStrings(texts) { values in
                let result = PQexecParams(connection, sql, Int32(values.count), nil, values, nil, nil, 0)
                return try self.consume(result, connection: connection)
            }
        }
    }

    /// Runs a statement and returns the number of rows it touched.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> Int {
        try await query(sql, parameters).affectedRows
    }

    /// Runs a trusted multi-statement script (a migration file) with `PQexec`.
    /// It takes no parameters on purpose: never build its text from input.
    public func executeScript(_ sql: String) async throws {
        _ = try await onQueue { connection in
            try self.consume(PQexec(connection, sql), connection: connection)
        }
    }

    /// Sends every statement before reading any result (libpq pipeline mode):
    /// one network round trip, one implicit transaction. If a statement fails,
    /// the ones after it are skipped by the server and the first error is thrown.
    public func pipeline(_ statements: [(sql: String, parameters: [any PostgresBindable])]) async throws -> [PostgresResult] {
        let prepared = statements.map { ($0.sql, $0.parameters.map(\.postgresText)) }
        return try await onQueue { connection in
            guard PQenterPipelineMode(connection) == 1 else {
                throw PostgresError.client(message: Self.message(connection))
            }
            defer { PQexitPipelineMode(connection) }
            for (sql, texts) in prepared {
                let sent = Self.withCStrings(texts) { values in
                    PQsendQueryParams(connection, sql, Int32(values.count), nil, values, nil, nil, 0)
                }
                guard sent == 1 else { throw self.lostOrClient(connection) }
            }
            guard PQpipelineSync(connection) == 1 else { throw self.lostOrClient(connection) }
            var results: [PostgresResult] = []
            var firstError: PostgresError?
            for _ in prepared {
                // Each statement yields its result, then a NULL separator.
                var last: PostgresResult?
                while let raw = PQgetResult(connection) {
                    do {
                        last = try self.consume(raw, connection: connection, pipelined: true)
                    } catch let error as PostgresError {
                        if firstError == nil { firstError = error }
                    }
                }
                results.append(last ?? PostgresResult(columns: [], cells: [], affectedRows: 0))
                if PQstatus(connection) != CONNECTION_OK { throw self.lostOrClient(connection) }
            }
            // Drain up to and including the PGRES_PIPELINE_SYNC marker.
            while let raw = PQgetResult(connection) {
                let status = PQresultStatus(raw)
                PQclear(raw)
                if status == PGRES_PIPELINE_SYNC { break }
            }
            if let firstError { throw firstError }
            return results
        }
    }

    /// Runs `body` inside BEGIN … COMMIT, rolling back when it throws.
    /// If the session is lost midway, every later statement in `body` fails
    /// rather than running outside the transaction.
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await onQueue { _ in
            self.inTransaction = true; self.transactionBroken = false
        }
        do {
            try await execute("BEGIN")
            let value = try await body(self)
            try await execute("COMMIT")
            try await onQueue { _ in self.inTransaction = false }
            return value
        } catch {
            // Runs even when the session is gone (no reconnect here): the flag
            // must be cleared so the next command may open a new session.
            try? await onQueue {
                if !self.transactionBroken, let connection = self.connection, PQstatus(connection) == CONNECTION_OK {
                    PQclear(PQexec(connection, "ROLLBACK"))
                }
                self.inTransaction = false
            }
            throw error
        }
    }

    /// Interrupts whatever this connection is running (`PQcancel`). Safe from any thread.
    public func cancelRunningCommand() {
        cancelHandle.withLock { $0?.cancel() }
    }

    // MARK: Running work on the connection's queue

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        let cancelled = Mutex(false)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                queue.async {
                    continuation.resume(
                        with: Result {
                            if cancelled.withLock({ $0 }) { throw PostgresError.cancelled }
                            let connection = try self.usableConnectionLocked()
                            return try body(connection)
                        })
                }
            }
        } onCancel: {
            cancelled.withLock { $0 = true }
            self.cancelRunningCommand()
        }
    }

    private func onQueue(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Returns a live connection, reconnecting if the last one died.
    private func usableConnectionLocked() throws -> OpaquePointer {
        if let connection, PQstatus(connection) == CONNECTION_OK { return connection }
        if inTransaction {
            transactionBroken = true
            throw PostgresError.connectionLost(message: "the session ended inside a transaction")
        }
        try reconnectLocked()
        guard let connection else { throw PostgresError.connectFailed(message: "no connection") }
        return connection
    }

    private func reconnectLocked() throws {
        closeLocked()
        var keys = ["fallback_application_name"]
        var values = [configuration.applicationName]
        if let connectionString = configuration.connectionString {
            keys.append("dbname")
            values.append(connectionString)
        }
        let connection: OpaquePointer? = Self.withCStrings(keys + [nil]) { keyPointers in
            Self.withCStrings(values.map(Optional.some) + [nil]) { valuePointers in
                PQconnectdbParams(keyPointers, valuePointers, 1)
            }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map(Self.message) ?? "out of memory"
            if let connection { PQfinish(connection) }
            throw PostgresError.connectFailed(message: message)
        }
        // Server NOTICEs ("relation already exists, skipping") would otherwise go
        // straight to stderr, bypassing the logger.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        // ISO timestamps are what PostgresTimestamp reads; UTF8 is what Swift strings are.
        PQclear(PQexec(connection, "SET DateStyle = 'ISO'; SET client_encoding = 'UTF8'"))
        self.connection = connection
        let handle = PQgetCancel(connection).map(CancelHandle.init)
        cancelHandle.withLock { $0 = handle }
    }

    private func closeLocked() {
        cancelHandle.withLock { $0 = nil }
        if let connection { PQfinish(connection) }
        connection = nil
    }

    // MARK: Results

    /// Copies a result into Swift values and frees it.
    private func consume(_ raw: OpaquePointer?, connection: OpaquePointer, pipelined: Bool = false) throws -> PostgresResult {
        guard let raw else { throw lostOrClient(connection) }
        defer { PQclear(raw) }
        let status = PQresultStatus(raw)
        switch status {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            let columnCount = Int(PQnfields(raw))
            let rowCount = Int(PQntuples(raw))
            var columns: [String] = []
            columns.reserveCapacity(columnCount)
            for column in 0..<columnCount { columns.append(String(cString: PQfname(raw, Int32(column)))) }
            var cells: [[String?]] = []
            cells.reserveCapacity(rowCount)
            for row in 0..<rowCount {
                var values: [String?] = []
                values.reserveCapacity(columnCount)
                for column in 0..<columnCount {
                    if PQgetisnull(raw, Int32(row), Int32(column)) == 1 {
                        values.append(nil)
                    } else {
                        values.append(String(cString: PQgetvalue(raw, Int32(row), Int32(column))))
                    }
                }
                cells.append(values)
            }
            let affected = Int(String(cString: PQcmdTuples(raw))) ?? 0
            return PostgresResult(columns: columns, cells: cells, affectedRows: affected)
        case PGRES_PIPELINE_ABORTED:
            throw PostgresError.client(message: "skipped because an earlier statement in the pipeline failed")
        default:
            if PQstatus(connection) != CONNECTION_OK {
                throw PostgresError.connectionLost(message: Self.message(connection))
            }
            let sqlState = Self.field(raw, "C") ?? "XX000"
            if sqlState == "57014" && Self.field(raw, "M")?.contains("user request") == true {
                throw PostgresError.cancelled
            }
            throw PostgresError.server(
                PostgresServerError(
                    sqlState: sqlState,
                    severity: Self.field(raw, "V") ?? Self.field(raw, "S") ?? "ERROR",
                    message: Self.field(raw, "M") ?? String(cString: PQresultErrorMessage(raw)),
                    detail: Self.field(raw, "D"),
                    hint: Self.field(raw, "H"),
                    table: Self.field(raw, "t"),
                    column: Self.field(raw, "c"),
                    constraint: Self.field(raw, "n")
                ))
        }
    }

    private func lostOrClient(_ connection: OpaquePointer) -> PostgresError {
        if PQstatus(connection) != CONNECTION_OK {
            return .connectionLost(message: Self.message(connection))
        }
        return .client(message: Self.message(connection))
    }

    private static func field(_ result: OpaquePointer, _ code: Character) -> String? {
        guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
        return String(cString: pointer)
    }

    /// libpq's last error on one line (it adds "\n\tIs the server running…"
    /// hints), so that a log entry stays one line.
    static func message(_ connection: OpaquePointer) -> String {
        String(cString: PQerrorMessage(connection))
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// Lends NUL-terminated copies of `strings` to a C call and frees them after.
    static func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
        defer { for copy in copies { free(copy) } }
        return try body(copies.map { $0.map { UnsafePointer($0) } })
    }
}

/// Owns a `PGcancel`. `PQcancel` is documented safe to call from any thread.
final class CancelHandle: @unchecked Sendable {
    // @unchecked: the pointer is only passed to PQcancel (thread-safe) and PQfreeCancel (deinit).
    private let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQfreeCancel(pointer) }
    func cancel() {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(pointer, &buffer, Int32(buffer.count))
    }
}
