/// One job of a batch: its decoded payload and its own context (id, attempt,
/// account, logger). Shared resources (database, HTTP) are the same in every
/// element's context.
public struct BatchJob<Payload: Sendable>: Sendable {
    /// The job's own context; `context.jobID` identifies it in logs and errors.
    public let context: JobContext
    /// The decoded payload.
    public let payload: Payload

    /// Pairs a payload with its job's context.
    public init(context: JobContext, payload: Payload) {
        self.context = context
        self.payload = payload
    }
}
