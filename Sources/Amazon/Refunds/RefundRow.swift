import Foundation
import Postgres

/// One `amazon_adjustment` row with its order and, once recorded, its feed.
public struct RefundRow: Sendable, Equatable {
    /// `amazon_adjustment.id`.
    public var id: Int64
    /// The order's account.
    public var accountID: Int64
    /// Amazon's order id.
    public var amazonOrderID: String
    /// The ERP's refund id.
    public var erpRefundID: String
    /// `Refund` or `Cancel`.
    public var actionType: String
    /// The AdjustmentReason.
    public var reason: String
    /// The row's currency, else the order's.
    public var currency: String?
    /// The `lines` jsonb text.
    public var linesJSON: String
    /// New, Sending, Sent, Success, Failure or Review.
    public var status: String
    /// `amazon_feed.id`, once recorded.
    public var feedRowID: Int64?
    /// Amazon's feed id, once createFeed answered.
    public var amazonFeedID: String?
    /// Polls of that feed so far.
    public var polls: Int

    static let columns = """
        a.id, o.account_id, o.amazon_order_id, a.erp_refund_id, a.action_type, a.reason,
        coalesce(a.currency, o.currency) AS currency, a.lines::text AS lines, a.status, a.feed_id, f.amazon_feed_id,
        coalesce(f.polls, 0) AS polls
        """

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        accountID = try row.decode(Int64.self, "account_id")
        amazonOrderID = try row.decode(String.self, "amazon_order_id")
        erpRefundID = try row.decode(String.self, "erp_refund_id")
        actionType = try row.decode(String.self, "action_type")
        reason = try row.decode(String.self, "reason")
        currency = try row.decode(String?.self, "currency")
        linesJSON = try row.decode(String.self, "lines")
        status = try row.decode(String.self, "status")
        feedRowID = try row.decode(Int64?.self, "feed_id")
        amazonFeedID = try row.decode(String?.self, "amazon_feed_id")
        polls = try row.decode(Int.self, "polls")
    }

    /// "refund RF-12 (order 111-…)": how messages name it.
    public var label: String { "refund \(erpRefundID) (order \(amazonOrderID))" }
}
