import Foundation
import JobQueue

/// `amazon.prune_operations`: deletes processed operation rows older than
/// 100 days (the seed's monthly clean-up; the scheduler runs it), in batches
/// so no statement holds many locks or runs long. Pending rows are never
/// deleted, whatever their age.
public struct PruneOperationsJob: JobHandler {
    public static let jobType = "amazon.prune_operations"
    public static var timeout: Duration { .seconds(1800) }

    public struct Payload: Decodable, Sendable {
        public var olderThanDays: Int?
        public var batchSize: Int?
        enum CodingKeys: String, CodingKey { case olderThanDays = "older_than_days", batchSize = "batch_size" }
    }

    public struct Result: Codable, Sendable {
        public var deleted: Int
        public var batches: Int
        public var olderThanDays: Int
        enum CodingKeys: String, CodingKey { case deleted, batches, olderThanDays = "older_than_days" }
    }

    public init() {}

    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let days = payload.olderThanDays ?? 100
        let batch = payload.batchSize ?? 10_000
        guard days >= 1 else { throw JobError.permanent("older_than_days must be at least 1, got \(days)") }
        guard (1...100_000).contains(batch) else {
            throw JobError.permanent("batch_size must be between 1 and 100000, got \(batch)")
        }
        var deleted = 0
        var batches = 0
        while true {
            try context.checkCancellation()
            let count = try await context.database.execute(
                """
                DELETE FROM amazon_product_operation WHERE id IN (
                    SELECT id FROM amazon_product_operation
                     WHERE sync_timestamp IS NOT NULL AND sync_timestamp < now() - make_interval(days => $1)
                     LIMIT $2)
                """, [days, batch])
            deleted += count
            batches += 1
            if count < batch { break }
        }
        context.logger.info("amazon operations pruned", metadata: ["deleted": "\(deleted)", "older_than_days": "\(days)"])
        return Result(deleted: deleted, batches: batches, olderThanDays: days)
    }
}
