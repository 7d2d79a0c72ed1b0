import Foundation

/// The job types a worker knows. Built once at start-up, then read-only.
public struct HandlerRegistry: Sendable {
    private var handlers: [String: AnyJobHandler] = [:]

    public init() {}

    public mutating func register<H: JobHandler>(_ handler: H) {
        precondition(handlers[H.jobType] == nil, "job type \(H.jobType) registered twice")
        handlers[H.jobType] = AnyJobHandler(handler)
    }

    /// Registers a batch handler: the worker may hand it many jobs in one call.
    public mutating func register<H: BatchJobHandler>(_ handler: H) {
        precondition(handlers[H.jobType] == nil, "job type \(H.jobType) registered twice")
        handlers[H.jobType] = AnyJobHandler(batch: handler)
    }

    public var jobTypes: [String] { handlers.keys.sorted() }

    public func handler(for jobType: String) -> AnyJobHandler? { handlers[jobType] }

    /// The declared concurrency limits, by job type (types without one are absent).
    public var concurrencyLimits: [String: ConcurrencyLimit] {
        handlers.compactMapValues(\.concurrencyLimit)
    }

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
