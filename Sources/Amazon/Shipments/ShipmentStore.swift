import Foundation
import JobQueue
import Postgres

/// The shipment confirmation's SQL. The package reference is chosen and
/// saved (status Sending) in its own committed transaction before the call,
/// so every later attempt sends the same reference: Amazon then edits the
/// package it has instead of adding a second one. Outcomes are written only
/// while the row is still Sending: an ERP change made during the call set it
/// back to New and queued a new confirmation, which wins.
public struct ShipmentStore: Sendable {
    /// The pool every statement runs on.
    public let database: PostgresPool

    /// A store on `database`.
    public init(database: PostgresPool) { self.database = database }

    /// The row and its order, or nil.
    public func shipment(_ id: Int64) async throws -> ShipmentRow? {
        try await database.query(
            "SELECT \(ShipmentRow.columns) FROM amazon_shipment s JOIN amazon_order o ON o.id = s.order_id WHERE s.id = $1", [id]
        ).first.map(ShipmentRow.init(row:))
    }

    /// Saves the package reference (the order's next free number, unless the
    /// row has one) and marks the row Sending, counting the attempt. The
    /// order row is locked first, so two shipments of one order never take
    /// the same number. Returns the reference.
    public func markSending(_ id: Int64) async throws -> Int {
        try await database.transaction { connection in
            try await connection.execute(
                "SELECT 1 FROM amazon_order WHERE id = (SELECT order_id FROM amazon_shipment WHERE id = $1) FOR UPDATE", [id])
            let row = try await connection.query(
                """
                UPDATE amazon_shipment s
                   SET package_reference_id = coalesce(s.package_reference_id,
                           (SELECT coalesce(max(package_reference_id), 0) + 1 FROM amazon_shipment x WHERE x.order_id = s.order_id)),
                       status = 'Sending', attempts = s.attempts + 1, sent_at = now(), updated_at = now()
                 WHERE s.id = $1
                RETURNING s.package_reference_id
                """, [id])
            guard let reference = try row.first?.decode(Int.self, "package_reference_id") else {
                throw JobError.permanent("amazon_shipment \(id) no longer exists")
            }
            return reference
        }
    }

    /// Amazon accepted the package.
    @discardableResult
    public func markConfirmed(_ id: Int64) async throws -> Bool {
        try await database.execute(
            """
            UPDATE amazon_shipment SET status = 'Success', message = NULL, confirmed_at = now(), updated_at = now()
             WHERE id = $1 AND status = 'Sending'
            """, [id]) == 1
    }

    /// Amazon refused the package (its message), or the row cannot be sent (ours).
    /// Only a change of the row (the trigger sets it New) or a manual resend tries again.
    @discardableResult
    public func markFailed(_ id: Int64, message: String) async throws -> Bool {
        try await database.execute(
            """
            UPDATE amazon_shipment SET status = 'Failure', message = $2, updated_at = now()
             WHERE id = $1 AND status IN ('New', 'Sending')
            """, [id, message]) == 1
    }
}
