import Foundation

/// The job types a worker knows. Built once at start-up, then read-only.
public struct HandlerRegistry: Sendable {
    private var handlers: [String: AnyJobHandler] = [:]

    public init() {}

    public mutating func register<H: JobHandler>(_ handler: H) {
        precondition(handlers[H.jobType] == nil, "job type \(H.jobType) registered twice")
        handlers[H.jobType] = AnyJobHandler(handler)
    }

    public var jobTypes: [String] { handlers.keys.sorted() }

    public func handler(for jobType: String) -> AnyJobHandler? { handlers[jobType] }

    /// Keeps only the listed types (`worker run --types`); unknown names are returned, not dropped silently.
    public func restricted(to types: [String]) -> (HandlerRegistry, unknown: [String]) {
        var copy = HandlerRegistry()
        var unknown: [String] = []
        for type in types {
            if let handler = handlers[type] { copy.handlers[type] = handler } else { unknown.append(type) }
        }
        return (copy, unknown)
    }
}

/// A handler with its types erased: JSON in, JSON out.
public struct AnyJobHandler: Sendable {
    public let jobType: String
    public let timeout: Duration
    public let requiresAccount: Bool
    private let runner: @Sendable (Data, JobContext) async throws -> Data
    private let describer: @Sendable (Data) -> String?

    init<H: JobHandler>(_ handler: H) {
        jobType = H.jobType
        timeout = H.timeout
        requiresAccount = H.requiresAccount
        runner = { payloadJSON, context in
            let payload: H.Payload
            do {
                // EmptyPayload accepts any JSON, so there is nothing to parse (this
                // was ~6% of a no-op job's CPU).
                if let empty = EmptyPayload() as? H.Payload {
                    payload = empty
                } else {
                    payload = try JSONDecoder().decode(H.Payload.self, from: payloadJSON)
                }
            } catch {
                throw JobError.permanent("invalid payload for \(H.jobType): \(DecodingErrorText.describe(error))")
            }
            let result = try await handler.run(payload, context: context)
            if result is EmptyResult { return Data("{}".utf8) }
            return try JSONEncoder.jobResult.encode(result)
        }
        describer = { H.describe(result: $0) }
    }

    /// Decodes the payload, runs the handler and encodes its result.
    public func run(payload: Data, context: JobContext) async throws -> Data {
        try await runner(payload, context)
    }

    public func describe(result: Data) -> String? { describer(result) }
}

extension JSONEncoder {
    /// Results are stored as jsonb, which re-orders keys anyway; sorted keys keep logs stable.
    static var jobResult: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
