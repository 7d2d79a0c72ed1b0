import Foundation
import Postgres

/// `system.prune_jobs`: `{"olderThanDays": 14, "batchSize": 5000}` (both
/// optional). Deletes done and cancelled jobs that finished more than
/// `olderThanDays` ago; failed jobs stay until someone retries or prunes them.
/// The system schedule runs it hourly.
///
/// Each batch is one autocommitted statement that deletes at most `batchSize`
/// rows and skips locked ones, so a prune of millions of rows never holds a
/// lock for longer than one batch, and claims (which lock pending rows only)
/// never wait on it.
public struct PruneJobsJob: JobHandler {
    public static let jobType = "system.prune_jobs"
    public static var timeout: Duration { .seconds(3600) }

    /// `olderThanDays` (default 14) and `batchSize` (default 5000, at most 50,000).
    public struct Payload: Decodable, Sendable {
        public var olderThanDays: Double?
        public var batchSize: Int?
    }

    /// How much was deleted, in how many statements, and the cutoff used.
    public struct Result: Codable, Sendable {
        public var deleted: Int
        public var batches: Int
        public var cutoff: Date
        public var durationMs: Int

        enum CodingKeys: String, CodingKey { case deleted, batches, cutoff, durationMs = "duration_ms" }
    }

    /// The handler has no state.
    public init() {}

    /// Rows with `finished_at` (done, and cancelled by an operator), through the `finished_at` index.
    static let finishedSQL = """
        DELETE FROM marketplace_job WHERE id IN (
            SELECT id FROM marketplace_job
             WHERE finished_at < $1 AND state IN ('done', 'cancelled')
             LIMIT $2 FOR UPDATE SKIP LOCKED)
        """
    /// Jobs superseded by a newer one with the same unique_key are cancelled without `finished_at`.
    static let supersededSQL = """
        DELETE FROM marketplace_job WHERE id IN (
            SELECT id FROM marketplace_job
             WHERE state = 'cancelled' AND finished_at IS NULL AND updated_at < $1
             LIMIT $2 FOR UPDATE SKIP LOCKED)
        """

    /// Deletes batch after batch until a batch comes back short.
    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let days = payload.olderThanDays ?? 14
        guard days.isFinite, days >= 0 else { throw JobError.permanent("olderThanDays must be 0 or more, got \(days)") }
        let batch = payload.batchSize ?? 5000
        guard (1...50_000).contains(batch) else {
            throw JobError.permanent("batchSize must be between 1 and 50000, got \(batch)")
        }
        let started = ContinuousClock.now
        let cutoff = context.now().addingTimeInterval(-days * 86_400)
        var deleted = 0
        var batches = 0
        for sql in [Self.finishedSQL, Self.supersededSQL] {
            while true {
                try context.checkCancellation()
                let count = try await context.database.execute(sql, [cutoff, batch])
                batches += 1
                deleted += count
                if count < batch { break }
            }
        }
        context.logger.info("pruned finished jobs", metadata: ["deleted": "\(deleted)", "batches": "\(batches)"])
        return Result(
            deleted: deleted, batches: batches, cutoff: cutoff,
            durationMs: Int((ContinuousClock.now - started).seconds * 1000))
    }

    /// One line for `jobctl show`.
    public static func describe(result: Data) -> String? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let result = try? decoder.decode(Result.self, from: result) else { return nil }
        return
            "deleted \(result.deleted) job(s) finished before \(result.cutoff.formatted(.iso8601)) in \(result.batches) batch(es), \(result.durationMs) ms"
    }
}
