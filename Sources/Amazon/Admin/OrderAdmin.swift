import Foundation
import JobQueue
import Postgres

/// The operator actions behind `jobctl amazon orders|order` and the order
/// tab of `jobctl amazon status` (the seed's "Synchronize all orders" button
/// and order tab). The SQL lives here, next to the order tables' store.
public struct OrderAdmin: Sendable {
    let database: PostgresPool

    /// An admin over `database`.
    public init(database: PostgresPool) { self.database = database }

    /// Enqueues a manual `amazon.orders_sync` over [after, before], which
    /// never touches the watermark. The first page's job; each page enqueues the next.
    public func enqueueManualSync(
        account: MarketplaceAccount, basis: OrderSearch.Basis, after: Date, before: Date, pageSize: Int? = nil
    ) async throws -> Int64 {
        var payload = OrdersSyncJob.Payload()
        payload.pageSize = pageSize
        payload.manual = OrdersSyncJob.ManualRun(
            basis: basis, after: OrderSearch.iso(after), before: OrderSearch.iso(before), token: nil, page: 1,
            ordersSoFar: 0)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var job = JobAdmin.NewJob(jobType: OrdersSyncJob.jobType)
        job.payload = String(decoding: try encoder.encode(payload), as: UTF8.self)
        job.accountID = account.id
        job.name = basis == .created ? "Synchronize all orders (past three months)" : "Download orders"
        return try await database.withConnection { try await JobAdmin(connection: $0).enqueue(job) }
    }

    /// How far back "Synchronize all orders" reaches: the seed's three months.
    public static let allOrdersDays = 90

    /// "Synchronize all orders (past three months)", the seed's button: every
    /// order created in the last `allOrdersDays`, up to Amazon's settled edge.
    /// `jobctl amazon orders --all` and the console's button both run this.
    public func enqueueAllOrdersSync(account: MarketplaceAccount, now: Date = Date(), pageSize: Int? = nil) async throws -> Int64
    {
        try await enqueueManualSync(
            account: account, basis: .created, after: now.addingTimeInterval(-Double(Self.allOrdersDays) * 86_400),
            before: now.addingTimeInterval(-OrdersSyncJob.settleSeconds), pageSize: pageSize)
    }

    /// One order by Amazon's id (of any account; the newest row if two accounts hold it).
    public func order(_ amazonOrderID: String) async throws -> OrderReport {
        try await database.withConnection { connection in
            guard
                let row = try await connection.query(
                    """
                    SELECT o.*, f.amazon_feed_id AS ack_amazon_feed_id FROM amazon_order o
                      LEFT JOIN amazon_feed f ON f.id = o.ack_feed_id
                     WHERE o.amazon_order_id = $1 ORDER BY o.id DESC LIMIT 1
                    """, [amazonOrderID]
                ).first
            else {
                throw JobAdminError.notFound(
                    "no Amazon order \(amazonOrderID) has been downloaded; see: jobctl amazon orders <account> --since 60d")
            }
            let id = try row.decode(Int64.self, "id")
            let items = try await connection.query(
                "SELECT * FROM amazon_order_item WHERE order_id = $1 ORDER BY id", [id]
            ).rows.map { item in
                OrderReport.Item(
                    orderItemId: try item.decode(String.self, "order_item_id"), sellerSku: item["seller_sku"],
                    quantityOrdered: try item.decode(Int.self, "quantity_ordered"),
                    quantityFulfilled: try item.decode(Int.self, "quantity_fulfilled"),
                    unitPrice: try item.decode(Decimal?.self, "unit_price"), erpOrderLineId: item["erp_order_line_id"],
                    merchantOrderItemId: item["merchant_order_item_id"],
                    buyerCancelRequested: try item.decode(Bool.self, "buyer_cancel_requested"))
            }
            let shipments = try await connection.query(
                "SELECT * FROM amazon_shipment WHERE order_id = $1 ORDER BY id", [id]
            ).rows.map { s in
                OrderReport.Shipment(
                    erpPickingId: try s.decode(String.self, "erp_picking_id"),
                    packageReferenceId: try s.decode(Int?.self, "package_reference_id"),
                    trackingNumber: try s.decode(String.self, "tracking_number"), status: try s.decode(String.self, "status"),
                    message: s["message"])
            }
            let adjustments = try await connection.query(
                "SELECT * FROM amazon_adjustment WHERE order_id = $1 ORDER BY id", [id]
            ).rows.map { a in
                OrderReport.Adjustment(
                    erpRefundId: try a.decode(String.self, "erp_refund_id"), status: try a.decode(String.self, "status"),
                    feedId: try a.decode(Int64?.self, "feed_id"), message: a["message"])
            }
            return OrderReport(
                accountId: try row.decode(Int64.self, "account_id"), amazonOrderId: amazonOrderID,
                marketplaceId: try row.decode(String.self, "marketplace_id"),
                fulfillmentStatus: try row.decode(String.self, "fulfillment_status"),
                lastUpdatedTime: try row.decode(Date.self, "last_updated_time"),
                shipByLatest: try row.decode(Date?.self, "ship_by_latest"),
                grandTotal: try row.decode(Decimal?.self, "grand_total"), currency: row["currency"],
                erpOrderId: row["erp_order_id"], merchantOrderId: row["merchant_order_id"], erpAction: row["erp_action"],
                cancelReason: row["cancel_reason"], ackStatus: try row.decode(String.self, "ack_status"),
                ackMessage: row["ack_message"], ackFeedId: row["ack_amazon_feed_id"],
                syncStatus: try row.decode(String.self, "sync_status"), syncMessage: row["sync_message"], items: items,
                shipments: shipments, adjustments: adjustments)
        }
    }

    /// The order tab of the account.
    public func status(account: MarketplaceAccount, limit: Int = 20) async throws -> OrdersStatusReport {
        try await database.withConnection { connection in
            let counts = try await connection.query(
                """
                SELECT fulfillment_status, count(*)::int AS n FROM amazon_order WHERE account_id = $1
                 GROUP BY 1 ORDER BY array_position(ARRAY['PENDING_AVAILABILITY', 'PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED',
                                                          'SHIPPED', 'CANCELLED', 'UNFULFILLABLE'], fulfillment_status)
                """, [account.id]
            ).rows.map {
                OrdersStatusReport.Count(
                    status: try $0.decode(String.self, "fulfillment_status"), count: try $0.decode(Int.self, "n"))
            }
            let totals = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE fulfillment_status NOT IN ('PENDING', 'PENDING_AVAILABILITY', 'CANCELLED')
                                          AND ack_status <> 'Success')::int AS unacknowledged,
                       count(*) FILTER (WHERE ack_status = 'Failure')::int AS ack_failures,
                       count(*) FILTER (WHERE fulfillment_status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED')
                                          AND ship_by_latest < now())::int AS late,
                       count(*) FILTER (WHERE erp_action IS NOT NULL)::int AS waiting,
                       (SELECT count(*) FROM amazon_shipment s JOIN amazon_order x ON x.id = s.order_id
                         WHERE x.account_id = $1 AND s.status = 'Failure')::int AS failed_shipments,
                       (SELECT count(*) FROM amazon_adjustment a JOIN amazon_order x ON x.id = a.order_id
                         WHERE x.account_id = $1 AND a.status = 'Review')::int AS refunds_review
                  FROM amazon_order WHERE account_id = $1
                """, [account.id]
            ).first!
            let downloads = try await connection.query(
                """
                SELECT marketplace_id, watermark, in_progress, pages, orders_seen FROM amazon_order_sync_state
                 WHERE account_id = $1 ORDER BY marketplace_id
                """, [account.id]
            ).rows.map {
                OrdersStatusReport.Download(
                    marketplaceId: try $0.decode(String.self, "marketplace_id"),
                    watermark: try $0.decode(Date?.self, "watermark"),
                    inProgress: try $0.decode(Bool.self, "in_progress"), pages: try $0.decode(Int.self, "pages"),
                    ordersSeen: try $0.decode(Int.self, "orders_seen"))
            }
            let attention = try await connection.query(
                """
                SELECT amazon_order_id, fulfillment_status, reason, message FROM (
                    SELECT o.id, o.amazon_order_id, o.fulfillment_status, 'acknowledgement failed' AS reason, o.ack_message AS message
                      FROM amazon_order o WHERE o.account_id = $1 AND o.ack_status = 'Failure'
                    UNION ALL
                    SELECT o.id, o.amazon_order_id, o.fulfillment_status, 'needs a person', o.sync_message
                      FROM amazon_order o WHERE o.account_id = $1 AND o.sync_status = 'Failure'
                    UNION ALL
                    SELECT o.id, o.amazon_order_id, o.fulfillment_status, 'past ship-by, not shipped',
                           'ship by ' || to_char(o.ship_by_latest AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
                      FROM amazon_order o WHERE o.account_id = $1 AND o.fulfillment_status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED')
                       AND o.ship_by_latest < now()
                    UNION ALL
                    SELECT o.id, o.amazon_order_id, o.fulfillment_status, 'the buyer asked to cancel',
                           'cancel with cancel_reason BuyerCanceled if nothing shipped: ' || coalesce(min(i.buyer_cancel_reason), 'no reason given')
                      FROM amazon_order o JOIN amazon_order_item i ON i.order_id = o.id
                     WHERE o.account_id = $1 AND i.buyer_cancel_requested AND o.cancel_reason IS NULL
                       AND o.fulfillment_status NOT IN ('CANCELLED', 'SHIPPED')
                     GROUP BY o.id, o.amazon_order_id, o.fulfillment_status
                    UNION ALL
                    SELECT o.id, o.amazon_order_id, o.fulfillment_status, 'shipment confirmation failed', s.message
                      FROM amazon_shipment s JOIN amazon_order o ON o.id = s.order_id
                     WHERE o.account_id = $1 AND s.status = 'Failure'
                    UNION ALL
                    SELECT o.id, o.amazon_order_id, o.fulfillment_status, 'refund needs a person', a.message
                      FROM amazon_adjustment a JOIN amazon_order o ON o.id = a.order_id
                     WHERE o.account_id = $1 AND a.status = 'Review'
                ) x ORDER BY id DESC LIMIT $2
                """, [account.id, limit]
            ).rows.map {
                OrdersStatusReport.Attention(
                    amazonOrderId: try $0.decode(String.self, "amazon_order_id"),
                    status: try $0.decode(String.self, "fulfillment_status"), reason: try $0.decode(String.self, "reason"),
                    message: $0["message"])
            }
            return OrdersStatusReport(
                counts: counts, unacknowledged: try totals.decode(Int.self, "unacknowledged"),
                acknowledgementFailures: try totals.decode(Int.self, "ack_failures"),
                unshippedPastShipBy: try totals.decode(Int.self, "late"), waitingForERP: try totals.decode(Int.self, "waiting"),
                failedShipments: try totals.decode(Int.self, "failed_shipments"),
                refundsNeedingPerson: try totals.decode(Int.self, "refunds_review"), downloads: downloads,
                attention: attention)
        }
    }
}
