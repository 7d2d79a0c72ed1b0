import Foundation
import Postgres

/// One `amazon_order_sync_state` row: where the incremental download of an
/// account's marketplace stands.
public struct OrderSyncState: Sendable, Equatable {
    /// Everything updated before it is stored; nil before the first window finished.
    public var watermark: Date?
    /// The current window's start (in progress) or the last one's.
    public var windowFrom: Date?
    /// The current window's end (in progress) or the last one's.
    public var windowTo: Date?
    /// A window is being walked: `paginationToken` is its next page's.
    public var inProgress: Bool
    /// The next page's token while in progress.
    public var paginationToken: String?
    /// Pages of the current (or last) window done.
    public var pages: Int
    /// Orders of the current (or last) window seen.
    public var ordersSeen: Int

    /// A state that has never synced.
    public static let fresh = OrderSyncState(
        watermark: nil, windowFrom: nil, windowTo: nil, inProgress: false, paginationToken: nil, pages: 0, ordersSeen: 0)

    init(
        watermark: Date?, windowFrom: Date?, windowTo: Date?, inProgress: Bool, paginationToken: String?, pages: Int,
        ordersSeen: Int
    ) {
        self.watermark = watermark
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.inProgress = inProgress
        self.paginationToken = paginationToken
        self.pages = pages
        self.ordersSeen = ordersSeen
    }

    init(row: PostgresRow) throws {
        self.init(
            watermark: try row.decode(Date?.self, "watermark"), windowFrom: try row.decode(Date?.self, "window_from"),
            windowTo: try row.decode(Date?.self, "window_to"), inProgress: try row.decode(Bool.self, "in_progress"),
            paginationToken: row["pagination_token"], pages: try row.decode(Int.self, "pages"),
            ordersSeen: try row.decode(Int.self, "orders_seen"))
    }

    static let columns = "watermark, window_from, window_to, in_progress, pagination_token, pages, orders_seen"
}
