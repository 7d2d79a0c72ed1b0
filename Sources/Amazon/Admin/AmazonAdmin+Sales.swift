import Foundation
import JobQueue
import Postgres

/// The operator actions of issue 11's shipments and settlements: "Upload this
/// month's shipping data" and the settlements list.
extension AmazonAdmin {
    /// What `enqueueShipmentConfirmations` queued.
    public struct QueuedShipments: Sendable, Codable, Equatable {
        /// `YYYY-MM`.
        public var month: String
        /// Shipments of that month not yet confirmed (New, Sending or Failure).
        public var shipments: Int
        /// The confirmation job of each (an already pending one is reused).
        public var jobs: [Int64]
    }

    /// Queues `amazon.confirm_shipment` for every shipment of the account
    /// shipped in `month` (UTC) that is not Success: New and Failure rows
    /// (a resend keeps the saved package reference, so Amazon edits, never
    /// doubles), and Sending rows whose call never finished. One pending job
    /// per shipment (its unique key), so pressing it twice queues nothing new.
    public func enqueueShipmentConfirmations(account: MarketplaceAccount, month: String) async throws -> QueuedShipments {
        guard month.range(of: #"^[0-9]{4}-(0[1-9]|1[0-2])$"#, options: .regularExpression) != nil else {
            throw JobAdminError.invalid("month must be YYYY-MM, e.g. 2026-11; got '\(month.prefix(20))'")
        }
        let rows = try await database.query(
            """
            SELECT s.id, marketplace_enqueue('amazon.confirm_shipment', jsonb_build_object('shipment_id', s.id),
                                             account_id => o.account_id, name => 'Upload shipping data ' || $2::text,
                                             unique_key => 'amazon.confirm_shipment:' || s.id) AS job
              FROM amazon_shipment s JOIN amazon_order o ON o.id = s.order_id
             WHERE o.account_id = $1 AND s.status <> 'Success'
               AND s.ship_date >= (($2::text || '-01')::timestamp AT TIME ZONE 'UTC')
               AND s.ship_date < ((($2::text || '-01')::timestamp + interval '1 month') AT TIME ZONE 'UTC')
             ORDER BY s.id
            """, [account.id, month])
        return QueuedShipments(
            month: month, shipments: rows.rows.count, jobs: try rows.rows.map { try $0.decode(Int64.self, "job") })
    }

    /// The account's imported settlements and refused reports (`jobctl amazon settlements`).
    public struct SettlementList: Sendable, Codable, Equatable {
        /// One imported settlement; amounts are exact decimal text.
        public struct Settlement: Sendable, Codable, Equatable {
            /// `settlement-id`.
            public var settlementId: String
            /// The report it came in.
            public var reportId: String
            /// `settlement-start-date`.
            public var start: Date?
            /// `settlement-end-date`.
            public var end: Date?
            /// `deposit-date`.
            public var depositDate: Date?
            /// `total-amount`, exact decimal text.
            public var totalAmount: String
            /// The settlement's currency.
            public var currency: String?
            /// Transaction lines imported.
            public var lines: Int
            /// The stored lines' sum (equal to the total by construction).
            public var linesTotal: String
            /// When it was imported.
            public var importedAt: Date
        }
        /// A report the import refused.
        public struct Refusal: Sendable, Codable, Equatable {
            /// The report it came in.
            public var reportId: String
            /// The settlement refused, when the file was readable.
            public var settlementId: String?
            /// Why, with both figures for a sum that is off.
            public var message: String
            /// When.
            public var refusedAt: Date
        }
        /// The account.
        public var accountId: Int64
        /// Its name.
        public var accountName: String
        /// Newest first.
        public var settlements: [Settlement]
        /// Newest first.
        public var refusals: [Refusal]
    }

    /// The newest `limit` settlements (with the sum of their stored lines, which
    /// equals the total by construction) and every refused report.
    public func settlements(account: MarketplaceAccount, limit: Int) async throws -> SettlementList {
        let settlements = try await database.query(
            """
            SELECT s.settlement_id, s.report_id, s.settlement_start_date, s.settlement_end_date, s.deposit_date,
                   s.total_amount::text AS total_amount, s.currency, s.line_count, s.imported_at,
                   (SELECT coalesce(sum(amount), 0)::text FROM amazon_settlement_line l WHERE l.settlement_row_id = s.id) AS lines_total
              FROM amazon_settlement s WHERE s.account_id = $1 ORDER BY s.settlement_end_date DESC NULLS LAST, s.id DESC LIMIT $2
            """, [account.id, limit])
        let refusals = try await database.query(
            """
            SELECT report_id, settlement_id, message, refused_at FROM amazon_settlement_refusal
             WHERE account_id = $1 ORDER BY id DESC
            """, [account.id])
        return SettlementList(
            accountId: account.id, accountName: account.name,
            settlements: try settlements.rows.map { row in
                SettlementList.Settlement(
                    settlementId: try row.decode(String.self, "settlement_id"),
                    reportId: try row.decode(String.self, "report_id"),
                    start: try row.decode(Date?.self, "settlement_start_date"),
                    end: try row.decode(Date?.self, "settlement_end_date"),
                    depositDate: try row.decode(Date?.self, "deposit_date"),
                    totalAmount: try row.decode(String.self, "total_amount"),
                    currency: try row.decode(String?.self, "currency"), lines: try row.decode(Int.self, "line_count"),
                    linesTotal: try row.decode(String.self, "lines_total"), importedAt: try row.decode(Date.self, "imported_at"))
            },
            refusals: try refusals.rows.map { row in
                SettlementList.Refusal(
                    reportId: try row.decode(String.self, "report_id"),
                    settlementId: try row.decode(String?.self, "settlement_id"),
                    message: try row.decode(String.self, "message"), refusedAt: try row.decode(Date.self, "refused_at"))
            })
    }
}
