import CLibPQ
import Foundation
import Synchronization

/// What a listener reports.
public enum PostgresListenerEvent: Sendable, Equatable {
    /// The listener (re)connected and is LISTENing. Anything sent while it was
    /// down is lost, so a consumer should look at the table once.
    case connected
    /// A `NOTIFY` arrived.
    case notification(channel: String, payload: String)
}

/// LISTEN on a dedicated connection, waiting on `PQsocket` with `poll(2)` in a
/// thread of its own, so waiting for NOTIFY costs no task and no pool slot.
/// It reconnects by itself with capped backoff and LISTENs again after each
/// reconnect.
public final class PostgresListener: Sendable {
    public let configuration: PostgresConfiguration
    public let channels: [String]
    public let events: AsyncStream<PostgresListenerEvent>
    private let continuation: AsyncStream<PostgresListenerEvent>.Continuation
    private let stopped = Atomic<Bool>(false)
    private let onError: @Sendable (PostgresError) -> Void

    /// - Parameter onError: called on the listener thread for every failure, for logging.
    public init(
        configuration: PostgresConfiguration, channels: [String],
        onError: @escaping @Sendable (PostgresError) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.channels = channels
        self.onError = onError
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1024))
    }

    public func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "postgres.listener"
        thread.start()
    }

    /// Stops within one poll interval (250 ms) and finishes `events`.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func run() {
        var connection: OpaquePointer?
        var backoff = 0.1
        defer {
            if let connection { PQfinish(connection) }
            continuation.finish()
        }
        while !stopped.load(ordering: .relaxed) {
            guard let live = connection, PQstatus(live) == CONNECTION_OK else {
                if let dead = connection { PQfinish(dead) }
                connection = nil
                do {
                    connection = try connectAndListen()
                    backoff = 0.1
                    continuation.yield(.connected)
                } catch {
                    onError(error)
                    sleep(seconds: backoff)
                    backoff = min(backoff * 2, 5)
                }
                continue
            }
            var descriptor = pollfd(fd: PQsocket(live), events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 250)
            if ready < 0 && errno != EINTR {
                onError(.connectionLost(message: "poll failed: errno \(errno)"))
                PQfinish(live)
                connection = nil
                continue
            }
            if ready > 0 {
                if PQconsumeInput(live) == 0 {
                    onError(.connectionLost(message: PostgresConnection.message(live)))
                    PQfinish(live)
                    connection = nil
                    continue
                }
                while let notify = PQnotifies(live) {
                    let channel = String(cString: notify.pointee.relname)
                    let payload = String(cString: notify.pointee.extra)
                    PQfreemem(notify)
                    continuation.yield(.notification(channel: channel, payload: payload))
                }
            }
        }
    }

    private func connectAndListen() throws(PostgresError) -> OpaquePointer {
        var keys = ["fallback_application_name"]
        var values = [configuration.applicationName + " (listener)"]
        if let connectionString = configuration.connectionString {
            keys.append("dbname")
            values.append(connectionString)
        }
        let connection: OpaquePointer? = PostgresConnection.withCStrings(keys + [nil]) { keyPointers in
            PostgresConnection.withCStrings(values.map(Optional.some) + [nil]) { PQconnectdbParams(keyPointers, $0, 1) }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map(PostgresConnection.message) ?? "out of memory"
            if let connection { PQfinish(connection) }
            throw .connectFailed(message: message)
        }
        for channel in channels {
            guard let escaped = PQescapeIdentifier(connection, channel, channel.utf8.count) else {
                PQfinish(connection)
                throw .client(message: "cannot quote channel name")
            }
            let sql = "LISTEN " + String(cString: escaped)
            PQfreemem(escaped)
            let result = PQexec(connection, sql)
            let ok = result.map { PQresultStatus($0) == PGRES_COMMAND_OK } ?? false
            PQclear(result)
            guard ok else {
                let message = PostgresConnection.message(connection)
                PQfinish(connection)
                throw .connectionLost(message: message)
            }
        }
        return connection
    }

    private func sleep(seconds: Double) {
        var remaining = seconds
        while remaining > 0, !stopped.load(ordering: .relaxed) {
            let step = min(remaining, 0.25)
            usleep(UInt32(step * 1_000_000))
            remaining -= step
        }
    }
}
