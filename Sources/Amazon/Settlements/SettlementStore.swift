import Foundation
import JobQueue
import Postgres

/// The settlement import's SQL: which reports are known (imported or
/// refused), one settlement and all its lines in one transaction (checked
/// again in SQL: the stored lines must sum to the stored total, or nothing
/// is kept), and the record of a refused report.
public struct SettlementStore: Sendable {
    /// The pool every statement runs on.
    public let database: PostgresPool

    /// A store on `database`.
    public init(database: PostgresPool) { self.database = database }

    /// Of `reportIDs`, those already imported or refused for the account.
    public func knownReports(accountID: Int64, reportIDs: [String]) async throws -> Set<String> {
        if reportIDs.isEmpty { return [] }
        let rows = try await database.query(
            """
            SELECT report_id FROM amazon_settlement WHERE account_id = $1 AND report_id = ANY($2::text[])
            UNION SELECT report_id FROM amazon_settlement_refusal WHERE account_id = $1 AND report_id = ANY($2::text[])
            """, [accountID, reportIDs])
        return Set(try rows.rows.map { try $0.decode(String.self, "report_id") })
    }

    /// One line as `jsonb_to_recordset` reads it: amounts and dates as text, exact.
    private struct LineRecord: Encodable {
        let line_number: Int
        let transaction_type, amazon_order_id, merchant_order_id, adjustment_id, shipment_id, marketplace_name: String?
        let amount_type, amount_description: String?
        let amount: String
        let fulfillment_id, posted_date, order_item_code, merchant_order_item_id, merchant_adjustment_item_id: String?
        let sku: String?
        let quantity_purchased: Int?
        let promotion_id: String?
        let extra: [String: String]
    }

    /// Imports one settlement and its lines in one transaction. False when
    /// the account has it already (nothing written). The sum is checked in
    /// SQL as well; a difference there rolls everything back.
    public func importSettlement(
        accountID: Int64, reportID: String, reportDocumentID: String?, settlement: SettlementReport
    ) async throws -> Bool {
        let records = settlement.lines.map { line in
            LineRecord(
                line_number: line.row, transaction_type: line.transactionType, amazon_order_id: line.orderID,
                merchant_order_id: line.merchantOrderID, adjustment_id: line.adjustmentID, shipment_id: line.shipmentID,
                marketplace_name: line.marketplaceName, amount_type: line.amountType,
                amount_description: line.amountDescription, amount: AmazonMoneyText.plain(line.amount),
                fulfillment_id: line.fulfillmentID, posted_date: line.postedAt.map { PostgresTimestamp.format($0) },
                order_item_code: line.orderItemCode, merchant_order_item_id: line.merchantOrderItemID,
                merchant_adjustment_item_id: line.merchantAdjustmentItemID, sku: line.sku,
                quantity_purchased: line.quantityPurchased, promotion_id: line.promotionID, extra: line.extra)
        }
        let lines = try PostgresJSON(encoding: records)
        return try await database.transaction { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO amazon_settlement (account_id, settlement_id, report_id, report_document_id, settlement_start_date,
                                               settlement_end_date, deposit_date, total_amount, currency, line_count)
                VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::timestamptz, $8::numeric, $9, $10)
                ON CONFLICT (account_id, settlement_id) DO NOTHING
                RETURNING id
                """,
                [
                    accountID, settlement.settlementID, reportID, reportDocumentID, settlement.startDate, settlement.endDate,
                    settlement.depositDate, AmazonMoneyText.plain(settlement.totalAmount), settlement.currency,
                    settlement.lines.count,
                ])
            guard let id = try inserted.first?.decode(Int64.self, "id") else { return false }
            let check = try await connection.query(
                """
                WITH written AS (
                    INSERT INTO amazon_settlement_line (settlement_row_id, line_number, transaction_type, amazon_order_id,
                        merchant_order_id, adjustment_id, shipment_id, marketplace_name, amount_type, amount_description, amount,
                        fulfillment_id, posted_date, order_item_code, merchant_order_item_id, merchant_adjustment_item_id, sku,
                        quantity_purchased, promotion_id, extra)
                    SELECT $1, r.line_number, r.transaction_type, r.amazon_order_id, r.merchant_order_id, r.adjustment_id,
                           r.shipment_id, r.marketplace_name, r.amount_type, r.amount_description, r.amount, r.fulfillment_id,
                           r.posted_date, r.order_item_code, r.merchant_order_item_id, r.merchant_adjustment_item_id, r.sku,
                           r.quantity_purchased, r.promotion_id, coalesce(r.extra, '{}')
                      FROM jsonb_to_recordset($2::jsonb) AS r(line_number int, transaction_type text, amazon_order_id text,
                           merchant_order_id text, adjustment_id text, shipment_id text, marketplace_name text, amount_type text,
                           amount_description text, amount numeric, fulfillment_id text, posted_date timestamptz,
                           order_item_code text, merchant_order_item_id text, merchant_adjustment_item_id text, sku text,
                           quantity_purchased int, promotion_id text, extra jsonb)
                    RETURNING amount
                )
                SELECT coalesce(sum(amount), 0)::text AS lines_total, (SELECT total_amount::text FROM amazon_settlement WHERE id = $1) AS total,
                       coalesce(sum(amount), 0) = (SELECT total_amount FROM amazon_settlement WHERE id = $1) AS equal
                  FROM written
                """, [id, lines])
            guard let row = check.first, try row.decode(Bool.self, "equal") else {
                throw SettlementReportError.totalMismatch(
                    settlementID: settlement.settlementID,
                    linesTotal: check.first.flatMap { Decimal(string: $0["lines_total"] ?? "") } ?? settlement.linesTotal,
                    totalAmount: settlement.totalAmount, currency: settlement.currency, lines: settlement.lines.count)
            }
            return true
        }
    }

    /// Records a refused report, so daily runs skip it until a person deletes the row.
    public func refuse(
        accountID: Int64, reportID: String, reportDocumentID: String?, settlementID: String?, message: String, jobID: Int64
    ) async throws {
        try await database.execute(
            """
            INSERT INTO amazon_settlement_refusal (account_id, report_id, report_document_id, settlement_id, message, job_id)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, report_id) DO NOTHING
            """, [accountID, reportID, reportDocumentID, settlementID, message, jobID])
    }
}
