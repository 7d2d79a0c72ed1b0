/// `system.sleep`: `{"seconds": 2.5}`. Holds a slot for a while; used to see
/// leases, heartbeats, cancellation and shutdown at work.
public struct SleepJob: JobHandler {
    public static let jobType = "system.sleep"
    public struct Payload: Decodable, Sendable { public var seconds: Double }
    public struct Result: Codable, Sendable { public var slept: Double }
    public init() {}
    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        guard payload.seconds >= 0, payload.seconds <= 86_400 else {
            throw JobError.permanent("seconds must be between 0 and 86400, got \(payload.seconds)")
        }
        try await Task.sleep(for: .milliseconds(Int(payload.seconds * 1000)))
        return Result(slept: payload.seconds)
    }
}
