import FlyingFox
import Foundation

/// An HTTP endpoint on 127.0.0.1 that stands where an account's
/// `settings.webhook_url` points (an ERP, a chat bridge): it records every
/// request it receives and answers with a status a test can choose, to see
/// the worker's notification digests and their retries.
public final class WebhookReceiver: Sendable {
    /// One request as received.
    public struct Delivery: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: Data
        public var receivedAt: Date
    }

    /// Records deliveries and holds the status to answer.
    actor Recorder {
        var deliveries: [Delivery] = []
        /// Statuses to answer, one per request, before falling back to 200.
        var script: [Int] = []

        func record(_ delivery: Delivery) -> Int {
            deliveries.append(delivery)
            return script.isEmpty ? 200 : script.removeFirst()
        }

        func setScript(_ statuses: [Int]) { script = statuses }
    }

    /// Routes every request to the recorder.
    struct Handler: HTTPHandler {
        let recorder: Recorder
        func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
            var headers: [String: String] = [:]
            for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
            let delivery = Delivery(
                method: request.method.rawValue, path: request.path, headers: headers,
                body: try await request.bodyData, receivedAt: Date())
            let status = await recorder.record(delivery)
            return FlyingFox.HTTPResponse(
                statusCode: HTTPStatusCode(status, phrase: "scripted"),
                headers: [.contentType: "text/plain"], body: Data("ok".utf8))
        }
    }

    private let recorder: Recorder
    private let server: HTTPServer
    private let task: Task<Void, any Error>
    /// `http://127.0.0.1:PORT/hook`: what `settings.webhook_url` should hold.
    public let url: URL

    /// Starts listening on a free port of 127.0.0.1 and returns once connections are accepted.
    public static func start() async throws -> WebhookReceiver {
        let recorder = Recorder()
        let server = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 60,
            logger: .disabled, handler: Handler(recorder: recorder))
        let task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            task.cancel()
            throw SimulatorError("the webhook receiver is not listening on an IPv4 address")
        }
        return WebhookReceiver(server: server, task: task, recorder: recorder, port: port)
    }

    private init(server: HTTPServer, task: Task<Void, any Error>, recorder: Recorder, port: UInt16) {
        self.server = server
        self.task = task
        self.recorder = recorder
        self.url = URL(string: "http://127.0.0.1:\(port)/hook")!
    }

    /// Everything received so far, in order.
    public func deliveries() async -> [Delivery] { await recorder.deliveries }

    /// Answers the next requests with these statuses (then 200 again).
    public func answer(_ statuses: [Int]) async { await recorder.setScript(statuses) }

    /// Stops listening.
    public func stop() async {
        await server.stop(timeout: 1)
        task.cancel()
    }
}
