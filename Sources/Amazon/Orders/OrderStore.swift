import Foundation
import JobQueue
import Postgres

/// The order download's SQL: the sync state per account and marketplace, and
/// one page of orders and items upserted in the transaction that saves the
/// page token (or, on the last page, advances the watermark) and enqueues the
/// next page's job. A crash before the commit leaves everything as it was, so
/// the page is fetched again; after it, the next job exists: never a page
/// skipped, never one applied twice.
public struct OrderStore: Sendable {
    /// The pool every statement runs on.
    public let database: PostgresPool

    /// A store on `database`.
    public init(database: PostgresPool) { self.database = database }

    /// The state of an account's marketplace (fresh when it has never synced).
    public func state(accountID: Int64, marketplaceID: String) async throws -> OrderSyncState {
        guard
            let row = try await database.query(
                """
                SELECT \(OrderSyncState.columns) FROM amazon_order_sync_state WHERE account_id = $1 AND marketplace_id = $2
                """, [accountID, marketplaceID]
            ).first
        else { return .fresh }
        return try OrderSyncState(row: row)
    }

    /// Whether another job of the account's chain (its unique key) is
    /// pending or running: a scheduled run then leaves the page to it rather
    /// than spend a request of the 0.0056/s quota on the same page.
    public func chainBusy(uniqueKey: String, excluding jobID: Int64) async throws -> Bool {
        try await database.query(
            """
            SELECT EXISTS (SELECT 1 FROM marketplace_job WHERE state IN ('pending', 'running') AND job_type = 'amazon.orders_sync'
                              AND unique_key = $1 AND id <> $2) AS busy
            """, [uniqueKey, jobID]
        ).first!.decode(Bool.self, "busy")
    }

    /// Ends the window in progress without moving the watermark (its page
    /// token was refused, e.g. older than Amazon's 24 hours): the next run
    /// starts a new window from the watermark minus the overlap. Only if the
    /// state is still `expected`.
    public func abandonWindow(accountID: Int64, marketplaceID: String, expected: OrderSyncState) async throws -> Bool {
        try await database.transaction { connection in
            guard
                let row = try await connection.query(
                    """
                    SELECT \(OrderSyncState.columns) FROM amazon_order_sync_state
                     WHERE account_id = $1 AND marketplace_id = $2 FOR UPDATE
                    """, [accountID, marketplaceID]
                ).first, try OrderSyncState(row: row) == expected
            else { return false }
            try await connection.execute(
                """
                UPDATE amazon_order_sync_state SET in_progress = false, pagination_token = NULL, token_at = NULL, updated_at = now()
                 WHERE account_id = $1 AND marketplace_id = $2
                """, [accountID, marketplaceID])
            return true
        }
    }

    /// How an automatic page moves the state.
    public enum StateMove: Sendable {
        /// More pages: save the window and the next page's token.
        case nextPage(windowFrom: Date, windowTo: Date, token: String)
        /// The last page: the watermark becomes the window's end.
        case finish(windowFrom: Date, windowTo: Date)
    }

    /// The next page's job, enqueued in the page's transaction.
    public struct NextJob: Sendable {
        /// The payload of the next page's job.
        public var payload: String
        /// Its unique key (one pending next page per chain).
        public var uniqueKey: String
    }

    /// What `applyPage` did.
    public struct PageResult: Sendable {
        /// The orders and items written.
        public var outcome: OrderPageOutcome
        /// The next page's job, if one was enqueued.
        public var nextJob: Int64?
        /// False when the state was no longer the one the page was fetched for
        /// (another run got there first): nothing was written.
        public var applied: Bool
    }

    /// Stores a page. With `move`, the state must still be `expected` (locked
    /// for the check); otherwise nothing is written and `applied` is false.
    public func applyPage(
        accountID: Int64, marketplaceID: String, ordersJSON: Data, jobID: Int64,
        expected: OrderSyncState?, move: StateMove?, next: NextJob?
    ) async throws -> PageResult {
        try await database.transaction { connection in
            if let expected {
                try await connection.execute(
                    """
                    INSERT INTO amazon_order_sync_state (account_id, marketplace_id) VALUES ($1, $2) ON CONFLICT DO NOTHING
                    """, [accountID, marketplaceID])
                let row = try await connection.query(
                    """
                    SELECT \(OrderSyncState.columns) FROM amazon_order_sync_state
                     WHERE account_id = $1 AND marketplace_id = $2 FOR UPDATE
                    """, [accountID, marketplaceID]
                ).first!
                guard try OrderSyncState(row: row) == expected else {
                    return PageResult(outcome: OrderPageOutcome(), nextJob: nil, applied: false)
                }
            }
            let outcome = try await Self.upsert(connection, accountID: accountID, ordersJSON: ordersJSON, jobID: jobID)
            if let move {
                try await Self.move(
                    connection, accountID: accountID, marketplaceID: marketplaceID, move, seen: outcome.received, jobID: jobID)
            }
            var nextJob: Int64?
            if let next {
                nextJob = try await connection.query(
                    """
                    SELECT marketplace_enqueue('amazon.orders_sync', $1::jsonb, account_id => $2,
                                               name => 'Download Amazon orders (next page)', unique_key => $3) AS id
                    """, [PostgresJSON(text: next.payload), accountID, next.uniqueKey]
                ).first!.decode(Int64.self, "id")
            }
            return PageResult(outcome: outcome, nextJob: nextJob, applied: true)
        }
    }

    private static func move(
        _ connection: PostgresConnection, accountID: Int64, marketplaceID: String, _ move: StateMove, seen: Int, jobID: Int64
    ) async throws {
        switch move {
        case .nextPage(let from, let to, let token):
            try await connection.execute(
                """
                UPDATE amazon_order_sync_state
                   SET pages = CASE WHEN in_progress THEN pages + 1 ELSE 1 END,
                       orders_seen = CASE WHEN in_progress THEN orders_seen + $6 ELSE $6 END,
                       in_progress = true, window_from = $3, window_to = $4, pagination_token = $5, token_at = now(),
                       last_job_id = $7, updated_at = now()
                 WHERE account_id = $1 AND marketplace_id = $2
                """, [accountID, marketplaceID, from, to, token, seen, jobID])
        case .finish(let from, let to):
            try await connection.execute(
                """
                UPDATE amazon_order_sync_state
                   SET pages = CASE WHEN in_progress THEN pages + 1 ELSE 1 END,
                       orders_seen = CASE WHEN in_progress THEN orders_seen + $5 ELSE $5 END,
                       in_progress = false, window_from = $3, window_to = $4, watermark = $4,
                       pagination_token = NULL, token_at = NULL, windows_completed = windows_completed + 1,
                       last_job_id = $6, updated_at = now()
                 WHERE account_id = $1 AND marketplace_id = $2
                """, [accountID, marketplaceID, from, to, seen, jobID])
        }
    }
}
