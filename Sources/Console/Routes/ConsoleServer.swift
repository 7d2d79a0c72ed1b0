import FlyingFox
import Foundation
import Logging
import Postgres

/// The console's HTTP server: FlyingFox (the project's server) on one
/// address, serving `ConsoleApp` until cancelled.
public struct ConsoleServer: Sendable {
    let server: HTTPServer
    let logger: Logger

    /// Binds nothing yet; `run()` does. Port 0 picks a free port (tests).
    public init(bind: String, port: UInt16, app: ConsoleApp, logger: Logger) throws {
        let pool = NoDelaySocketPool(base: HTTPServer.defaultPool())
        let configuration =
            bind.contains(":")
            ? HTTPServer.Configuration(address: try .inet6(ip6: bind, port: port), timeout: 30, pool: pool, logger: .disabled)
            : HTTPServer.Configuration(address: try .inet(ip4: bind, port: port), timeout: 30, pool: pool, logger: .disabled)
        self.server = HTTPServer(config: configuration, handler: app)
        self.logger = logger
    }

    /// Serves until the task is cancelled or `stop()`.
    public func run() async throws { try await server.run() }

    /// Waits for the socket to listen, then returns its port.
    public func waitForPort(timeout: TimeInterval = 30) async throws -> UInt16 {
        try await server.waitUntilListening(timeout: timeout)
        switch await server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?: return port
        default: throw ConsoleError.internalError("the console is not listening on an IP address")
        }
    }

    /// Stops accepting and lets open requests finish.
    public func stop() async { await server.stop(timeout: 2) }
}
