import Foundation

/// A job this worker holds the lease on, as the lease keeper renews it.
struct HeldJob: Sendable, Equatable {
    let id: Int64
    let attempt: Int
    /// When its handler started; nil while the job waits in the claim-ahead buffer.
    let startedAt: Date?
}
