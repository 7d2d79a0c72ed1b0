import CLibPQ

extension PostgresConnection {
    /// Runs one parameterised statement as a server-side prepared statement,
    /// prepared on this session at its first use.
    ///
    /// For the few statements a worker runs hundreds of times a second (the
    /// claim and the completion): the server then parses and plans their text
    /// once per session rather than at every call. The claim's CTEs cost about
    /// 0.4 ms of planning each time, on a warm session. Everything else should
    /// use `query(_:_:)`, so that one-off SQL does not pile up on the session.
    ///
    /// A statement the session has lost (`DEALLOCATE ALL`, SQLSTATE 26000) or
    /// whose cached plan no longer fits after a migration (0A000) is prepared
    /// again and run once more, unless inside `transaction { }`, where the
    /// failed statement has already aborted the transaction.
    @discardableResult
    public func queryPrepared(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> PostgresResult {
        let texts = parameters.map(\.postgresText)
        return try await onQueue { connection in
            try self.retryingStalePreparedLocked(connection) {
                let name = try self.preparedNameLocked(sql, connection: connection)
                return try Self.withCStrings(texts) { values in
                    try self.consume(
                        PQexecPrepared(connection, name, Int32(values.count), values, nil, nil, 0), connection: connection)
                }
            }
        }
    }

    /// The session's name for `sql`, preparing it first if this session has not.
    /// Parameter types are left to the server, as `query` leaves them.
    func preparedNameLocked(_ sql: String, connection: OpaquePointer) throws -> String {
        if let name = preparedNames[sql] { return name }
        let name = "mj_\(preparedNames.count + 1)"
        _ = try consume(PQprepare(connection, name, sql, 0, nil), connection: connection)
        preparedNames[sql] = name
        return name
    }

    /// Runs `body`; if the server says a prepared statement is gone or stale,
    /// forgets every statement of the session and runs `body` once more.
    func retryingStalePreparedLocked<T>(_ connection: OpaquePointer, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where Self.isStalePrepared(error) && !inTransaction {
            PQclear(PQexec(connection, "DEALLOCATE ALL"))
            preparedNames = [:]
            return try body()
        }
    }

    /// 26000: no such prepared statement. 0A000 "cached plan must not change
    /// result type": a migration changed what the statement returns.
    static func isStalePrepared(_ error: PostgresError) -> Bool {
        error.sqlState == "26000" || error.sqlState == "0A000"
    }
}
