/// `system.noop`: does nothing. The benchmark drains these, and operators use
/// one to check that workers are alive.
public struct NoopJob: JobHandler {
    public static let jobType = "system.noop"
    public init() {}
    public func run(_ payload: EmptyPayload, context: JobContext) async throws -> EmptyResult { EmptyResult() }
}
