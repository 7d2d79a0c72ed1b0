import ExactJSON
import Foundation
import JobQueue
import Postgres

/// The catalog sync's SQL: operations → sync rows (rule 9), the batch to
/// send, feed submissions and their reports. Every multi-row write is one
/// statement over `unnest` arrays, so a batch costs a few round trips.
public struct CatalogStore: Sendable {
    public let database: PostgresPool
    /// Operations per transaction. A later batch merges into the rows an
    /// earlier one wrote, so splitting changes no outcome.
    public let batchSize: Int

    public init(database: PostgresPool, batchSize: Int = 50_000) {
        self.database = database
        self.batchSize = max(1, batchSize)
    }

    /// A point between writing the sync rows and marking the operations
    /// processed, where a test makes the transaction fail (a crash there).
    public typealias FaultPoint = @Sendable () throws -> Void

    /// Turns every pending operation into sync rows. Each batch is one
    /// transaction that reads its operations `FOR UPDATE SKIP LOCKED`, writes
    /// the sync rows and marks the operations processed: a crash anywhere in
    /// it leaves both untouched, so an operation is never lost nor applied twice,
    /// and two concurrent runs never take the same operation.
    @discardableResult
    public func transformPending(faultBeforeMarking: FaultPoint? = nil) async throws -> TransformOutcome {
        var outcome = TransformOutcome()
        var first = true
        while true {
            let done = try await database.transaction { connection in
                try await transformBatch(connection, first: first, outcome: &outcome, fault: faultBeforeMarking)
            }
            first = false
            if done { return outcome }
        }
    }

    /// One batch; returns true when there was nothing (more) to do.
    /// The first batch also picks up rows of FATAL feeds, which are retried
    /// even when no operation is pending.
    private func transformBatch(
        _ connection: PostgresConnection, first: Bool, outcome: inout TransformOutcome,
        fault: FaultPoint?
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT id, model_name, record_id, template_id, record_operation, operation_data::text AS data, operation_timestamp
              FROM amazon_product_operation WHERE sync_timestamp IS NULL
             ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
            """, [batchSize])
        if rows.rows.isEmpty && !first { return true }
        let operations = try rows.rows.map(Self.operation)
        let state = try await Self.loadState(connection, operations: operations)
        let open = try await Self.loadOpenRows(connection, operations: operations, includeUnchangedRetries: first)
        let result = CatalogTransformer().transform(operations: operations, openRows: open, state: state)
        let touched = Set(operations.map(\.record))
        try await Self.write(result.changes, fresh: result.changes.map { touched.contains($0.record) }, connection)
        if !result.superseded.isEmpty {
            try await connection.execute(
                "DELETE FROM amazon_product_sync s USING unnest($1::bigint[]) AS u(id) WHERE s.id = u.id",
                [result.superseded])
        }
        try fault?()
        if operations.isEmpty {
            outcome.syncRows += result.changes.count
            return true
        }
        try await connection.execute(
            """
            UPDATE amazon_product_operation o SET sync_timestamp = now() FROM unnest($1::bigint[]) AS u(id) WHERE o.id = u.id
            """, [operations.map(\.id)])
        outcome.operations += operations.count
        outcome.syncRows += result.changes.count
        outcome.superseded += result.superseded.count
        outcome.ignored += result.ignoredOperations
        outcome.batches += 1
        return rows.rows.count < batchSize
    }

    /// Upserts sync rows as New, one per (record, type), with the
    /// transformer's final values. A row in a feed awaiting its report is
    /// taken out of it (feed_id NULL), so that report no longer settles it and
    /// the newer values go in the next feed. `fresh` rows (from new
    /// operations) start counting attempts again; the others (unchanged
    /// retries) keep their count, which bounds them. The flag travels in
    /// EXCLUDED.retry_unchanged: an unchanged retry always updates an
    /// existing row, and the update sets the column back to false.
    static func write(_ changes: [SyncChange], fresh: [Bool], _ connection: PostgresConnection) async throws {
        if changes.isEmpty { return }
        try await connection.execute(
            """
            INSERT INTO amazon_product_sync AS s (model_name, record_id, template_id, sync_type, sync_values, sync_status, retry_unchanged)
            SELECT c.model_name, c.record_id, c.template_id, c.sync_type, c.sync_values::jsonb, 'New', NOT c.fresh
              FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::boolean[])
                   AS c(model_name, record_id, template_id, sync_type, sync_values, fresh)
            ON CONFLICT (model_name, record_id, sync_type) DO UPDATE
               SET template_id = coalesce(EXCLUDED.template_id, s.template_id), sync_values = EXCLUDED.sync_values,
                   sync_status = 'New', sync_message = NULL, feed_id = NULL, message_id = NULL, retry_unchanged = false,
                   attempts = CASE WHEN EXCLUDED.retry_unchanged THEN s.attempts ELSE 0 END, updated_at = now()
            """,
            [
                changes.map(\.record.model.rawValue), changes.map(\.record.id), changes.map(\.templateID),
                changes.map(\.type.rawValue), changes.map { JSONValue.object($0.values).description }, fresh,
            ])
    }

    static func operation(_ row: PostgresRow) throws -> ProductOperation {
        let model = try row.decode(String.self, "model_name")
        let kind = try row.decode(String.self, "record_operation")
        guard let modelName = ModelName(rawValue: model), let operation = RecordOperation(rawValue: kind) else {
            throw JobError.permanent(
                "amazon_product_operation \(row["id"] ?? "?"): unknown model_name '\(model)' or record_operation '\(kind)'")
        }
        return ProductOperation(
            id: try row.decode(Int64.self, "id"), record: RecordKey(modelName, try row.decode(Int64.self, "record_id")),
            templateID: try row.decode(Int64?.self, "template_id"), operation: operation,
            data: try JSONValue.object(parsing: try row.decode(String.self, "data")),
            timestamp: try row.decode(Date.self, "operation_timestamp"))
    }
}
