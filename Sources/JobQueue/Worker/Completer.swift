import Foundation
import Logging
import Postgres

/// The dispatch loop's database work: writing outcomes and claiming jobs.
/// Every write is guarded on the claimed attempt (see `JobStore`), so writing
/// an outcome twice after a failed round trip is harmless: the second matches
/// nothing once the row has moved on.
struct Completer: Sendable {
    let store: JobStore
    let types: [String]?
    let logger: Logger

    /// What a write-then-claim achieved. A failed write keeps its outcomes
    /// (the state machine puts them back); claimed rows are ours even when
    /// the write half failed.
    struct RoundTrip {
        var claimed: [ClaimedJob] = []
        var writeError: (any Error)?
        var claimError: (any Error)?
    }

    /// Claims up to `limit` due jobs.
    func claim(limit: Int, on connection: PostgresConnection) async throws -> [ClaimedJob] {
        let statement = store.claimStatement(limit: limit, types: types)
        return try await connection.query(statement.sql, statement.parameters).rows.map(ClaimedJob.init(row:))
    }

    /// Writes outcomes in one statement; a batch the server refuses (say a
    /// result jsonb cannot hold) is written one by one, so it cannot block
    /// every other outcome.
    func write(_ records: [CompletionRecord], on connection: PostgresConnection) async throws {
        let writes = records.filter { $0.completion != .discard }
        guard !writes.isEmpty else { return }
        let statement = store.completeStatement(writes)
        do {
            try await connection.query(statement.sql, statement.parameters)
        } catch let error as PostgresError where !error.isConnectionProblem {
            logger.error("batch write refused (\(error)); writing outcomes one by one")
            try await writeIndividually(writes, on: connection)
        }
    }

    /// Writes non-`done` outcomes and claims, in one round trip: write first,
    /// then claim, pipelined on one connection. The order matters: a retry,
    /// snooze or release may hand its `unique_key` over to a newer pending
    /// job, which the claim must not take first.
    func writeThenClaim(_ records: [CompletionRecord], claimLimit: Int, on connection: PostgresConnection) async -> RoundTrip {
        let writes = records.filter { $0.completion != .discard }
        var turn = RoundTrip()
        if writes.isEmpty || claimLimit == 0 {
            do { try await write(writes, on: connection) } catch { turn.writeError = error; return turn }
            if claimLimit > 0 {
                do { turn.claimed = try await claim(limit: claimLimit, on: connection) } catch { turn.claimError = error }
            }
            return turn
        }
        do {
            let complete = store.completeStatement(writes)
            let claim = store.claimStatement(limit: claimLimit, types: types)
            let results = try await connection.pipeline([complete, claim])
            turn.claimed = try results[1].rows.map(ClaimedJob.init(row:))
        } catch let error as PostgresError where !error.isConnectionProblem {
            logger.error("batch write refused (\(error)); writing outcomes one by one")
            do { try await writeIndividually(writes, on: connection) } catch { turn.writeError = error; return turn }
            do { turn.claimed = try await claim(limit: claimLimit, on: connection) } catch { turn.claimError = error }
        } catch {
            turn.writeError = error
        }
        return turn
    }

    /// One statement per outcome; an outcome the server refuses becomes a
    /// failed attempt saying why, so the job does not stay running.
    private func writeIndividually(_ records: [CompletionRecord], on connection: PostgresConnection) async throws {
        for record in records {
            let statement = store.completeStatement([record])
            do {
                try await connection.query(statement.sql, statement.parameters)
            } catch let error as PostgresError where !error.isConnectionProblem {
                let fallback = record.with(.failed(error: "the outcome could not be stored: \(error)"))
                let retry = store.completeStatement([fallback])
                try await connection.query(retry.sql, retry.parameters)
            }
        }
    }
}
