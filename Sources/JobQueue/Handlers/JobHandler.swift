import Foundation

/// One job type. Adding a type is one file holding a `JobHandler` and one
/// `registry.register(...)` line in `JobTypes.swift`.
///
/// The worker decodes `Payload` from the job's `payload` column before calling
/// `run`; a payload that does not decode fails the job at once with the coding
/// path in the error. `Result` is encoded into the `result` column.
///
/// `run` may be called more than once for the same job (at-least-once: a
/// worker that dies after the handler returned but before the result was
/// written leaves the job to be run again), so handlers must be idempotent.
public protocol JobHandler: Sendable {
    associatedtype Payload: Decodable & Sendable
    associatedtype Result: Encodable & Sendable

    /// The `job_type` string, e.g. `zortout.pull_stock`.
    static var jobType: String { get }
    /// How long one attempt may take before it is cancelled and counted as failed.
    static var timeout: Duration { get }
    /// Whether the job must name a `marketplace_account`.
    static var requiresAccount: Bool { get }
    /// How many jobs of this type may run at once (per account or in total);
    /// `nil`, the default, for no limit. See `ConcurrencyLimit`.
    static var concurrencyLimit: ConcurrencyLimit? { get }

    func run(_ payload: Payload, context: JobContext) async throws -> Result

    /// A human rendering of a stored result for `jobctl show`; `nil` falls
    /// back to indented JSON.
    static func describe(result: Data) -> String?
}

extension JobHandler {
    public static var timeout: Duration { .seconds(300) }
    public static var requiresAccount: Bool { false }
    public static var concurrencyLimit: ConcurrencyLimit? { nil }
    public static func describe(result: Data) -> String? { nil }
}
