import FlyingFox
import Foundation

/// A Zortout Open API v4 stand-in on 127.0.0.1, serving the subset the stock
/// pull uses (see docs: zortout-api): `GET /v4/Product/GetProducts`,
/// `GET /v4/Product/GetProductDetail`, `GET /v4/Warehouse/GetWarehouses`,
/// with header credentials, paging, `searchsku`, `warehousecode`, business
/// errors as HTTP 200 and injectable faults.
///
/// FlyingFox, not a NIO server: it builds in seconds on plain BSD sockets,
/// which keeps a clean build of the whole package short.
///
/// Control routes (no credentials): `POST /_control/faults` (a `ZortoutFaults`
/// JSON object, replacing the current faults), `GET /_control/faults`,
/// `GET /_control/stats`, `POST /_control/reset-stats`.
public final class ZortoutSimulator: Sendable {
    public struct Credentials: Sendable, Codable, Equatable {
        public var storeName: String
        public var apiKey: String
        public var apiSecret: String
        public init(storeName: String, apiKey: String, apiSecret: String) {
            self.storeName = storeName
            self.apiKey = apiKey
            self.apiSecret = apiSecret
        }
    }

    /// What the simulator has served, for tests that check how the client queried.
    public struct Stats: Sendable, Codable, Equatable {
        public var requests = 0
        public var errorResponses = 0
        public var byPath: [String: Int] = [:]
        /// Every `searchsku` value received, in order.
        public var searchedSKUs: [String] = []
        /// The `warehousecode` of every request ("" when absent), in order.
        public var warehouseCodes: [String] = []
        public init() {}
    }

    let state: ZortoutSimulatorState
    private let server: HTTPServer
    private let task: ServerTask

    /// Holds the server task so `stop` can cancel it.
    private final class ServerTask: Sendable {
        let task: Task<Void, any Error>
        init(_ task: Task<Void, any Error>) { self.task = task }
    }

    /// The API base, e.g. `http://127.0.0.1:54321/v4`: what an account's `base_url` should hold.
    public let baseURL: URL
    public let port: UInt16

    /// Starts listening on 127.0.0.1 (`port` 0 picks a free one) and returns once connections are accepted.
    public static func start(
        port: UInt16 = 0, catalogue: ZortoutCatalogue = .seeded(size: 100),
        credentials: Credentials, faults: ZortoutFaults = ZortoutFaults()
    ) async throws -> ZortoutSimulator {
        let state = ZortoutSimulatorState(catalogue: catalogue, faults: faults, credentials: credentials)
        let server = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: port), timeout: 60,
            logger: .disabled, handler: ZortoutRoutes(state: state))
        let task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let boundPort)? = await server.listeningAddress else {
            task.cancel()
            throw SimulatorError("the simulator is not listening on an IPv4 address")
        }
        return ZortoutSimulator(state: state, server: server, task: ServerTask(task), port: boundPort)
    }

    private init(state: ZortoutSimulatorState, server: HTTPServer, task: ServerTask, port: UInt16) {
        self.state = state
        self.server = server
        self.task = task
        self.port = port
        self.baseURL = URL(string: "http://127.0.0.1:\(port)/v4")!
    }

    public func stop() async {
        await server.stop(timeout: 1)
        task.task.cancel()
    }

    /// Runs until the surrounding task is cancelled or the server fails.
    public func waitUntilStopped() async throws {
        try await task.task.value
    }

    public func setFaults(_ faults: ZortoutFaults) async { await state.setFaults(faults) }
    public func faults() async -> ZortoutFaults { await state.faults }
    public func stats() async -> Stats { await state.stats }
    public func resetStats() async { await state.resetStats() }
    public func catalogue() async -> ZortoutCatalogue { await state.catalogue }
    public func setCatalogue(_ catalogue: ZortoutCatalogue) async { await state.setCatalogue(catalogue) }

    /// Changes one product in place (e.g. its stock), as a sale in Zortout would. Returns false if no such id.
    @discardableResult
    public func updateProduct(id: Int, _ change: @escaping @Sendable (inout ZortoutCatalogue.Product) -> Void) async -> Bool {
        await state.updateProduct(id: id, change)
    }
}

public struct SimulatorError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
