/// A fixed-size set of connections handed out one task at a time.
///
/// Connections open lazily and heal themselves (a dead session reconnects on its
/// next command), so the pool never has to tell good from bad ones. Waiters are
/// served first come, first served.
public actor PostgresPool {
    public nonisolated let configuration: PostgresConfiguration
    public nonisolated let maxConnections: Int
    private var idle: [PostgresConnection] = []
    private var opened = 0
    private var waiters: [CheckedContinuation<PostgresConnection?, Never>] = []
    private var closed = false

    public init(configuration: PostgresConfiguration, maxConnections: Int) {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.maxConnections = maxConnections
    }

    /// Lends a connection to `body` and takes it back afterwards, even if `body` throws.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    public func query(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> PostgresResult {
        try await withConnection { try await $0.query(sql, parameters) }
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> Int {
        try await withConnection { try await $0.execute(sql, parameters) }
    }

    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { try await $0.transaction(body) }
    }

    /// Closes idle connections and refuses new borrowers.
    public func close() async {
        closed = true
        let connections = idle
        idle.removeAll()
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
        for connection in connections { await connection.close() }
    }

    private func acquire() async throws -> PostgresConnection {
        if closed { throw PostgresError.client(message: "the connection pool is closed") }
        if let connection = idle.popLast() { return connection }
        if opened < maxConnections {
            opened += 1
            do {
                return try await PostgresConnection.connect(configuration)
            } catch {
                opened -= 1
                throw error
            }
        }
        let connection = await withCheckedContinuation { waiters.append($0) }
        guard let connection else { throw PostgresError.client(message: "the connection pool is closed") }
        return connection
    }

    private func release(_ connection: PostgresConnection) {
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else if closed {
            opened -= 1
            Task { await connection.close() }
        } else {
            idle.append(connection)
        }
    }
}
