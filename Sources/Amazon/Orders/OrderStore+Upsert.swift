import Foundation
import Postgres

/// One page of `searchOrders` orders into `amazon_order` and
/// `amazon_order_item`, in one statement that reads every field from the JSON
/// in SQL (money as `numeric`, straight from Amazon's decimal strings).
extension OrderStore {
    /// Upserts the orders whose `lastUpdatedTime` is not older than the stored
    /// one, and their items; sets `erp_action` from the status as the design's
    /// table says. A status change of an order the ERP already knows decides
    /// its next action; a PENDING order is stored only.
    static func upsert(_ connection: PostgresConnection, accountID: Int64, ordersJSON: Data, jobID: Int64) async throws
        -> OrderPageOutcome
    {
        let row = try await connection.query(
            """
            WITH incoming AS (
                SELECT DISTINCT ON (o ->> 'orderId') o ->> 'orderId' AS amazon_order_id, o AS raw,
                       (o ->> 'lastUpdatedTime')::timestamptz AS last_updated_time,
                       o -> 'fulfillment' ->> 'fulfillmentStatus' AS status
                  FROM jsonb_array_elements($2::jsonb) AS o
                 ORDER BY o ->> 'orderId', (o ->> 'lastUpdatedTime')::timestamptz DESC
            ), prior AS (
                SELECT s.id, s.amazon_order_id, s.fulfillment_status, s.erp_order_id, s.erp_action, s.last_updated_time,
                       (s.fulfillment_status IN ('PARTIALLY_SHIPPED', 'SHIPPED')
                        OR EXISTS (SELECT 1 FROM amazon_shipment sh WHERE sh.order_id = s.id AND sh.status IN ('Sending', 'Success'))
                        OR EXISTS (SELECT 1 FROM amazon_order_item it WHERE it.order_id = s.id AND it.quantity_fulfilled > 0)) AS shipped
                  FROM amazon_order s JOIN incoming i ON i.amazon_order_id = s.amazon_order_id
                 WHERE s.account_id = $1
                   FOR UPDATE OF s
            ), decided AS (
                SELECT i.*, p.id AS prior_id, p.last_updated_time AS prior_updated,
                       CASE
                         WHEN p.id IS NOT NULL AND p.fulfillment_status = i.status THEN p.erp_action
                         WHEN i.status IN ('PENDING', 'PENDING_AVAILABILITY') THEN p.erp_action
                         WHEN i.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED', 'SHIPPED') AND p.erp_order_id IS NULL THEN 'create'
                         WHEN i.status IN ('PARTIALLY_SHIPPED', 'SHIPPED') THEN 'reconcile'
                         WHEN i.status = 'UNSHIPPED' THEN p.erp_action
                         WHEN i.status = 'CANCELLED' AND coalesce(p.shipped, false) THEN 'review'
                         WHEN i.status = 'CANCELLED' AND p.erp_order_id IS NOT NULL THEN 'cancel'
                         WHEN i.status = 'CANCELLED' THEN NULL
                         ELSE p.erp_action
                       END AS erp_action
                  FROM incoming i LEFT JOIN prior p ON p.amazon_order_id = i.amazon_order_id
            ), upserted AS (
                INSERT INTO amazon_order AS t (account_id, amazon_order_id, marketplace_id, fulfillment_status, fulfilled_by,
                       created_time, last_updated_time, ship_by_earliest, ship_by_latest, grand_total, currency,
                       seller_order_id, raw, erp_action, sync_status, sync_message, synced_by_job_id)
                SELECT $1, d.amazon_order_id, coalesce(d.raw -> 'salesChannel' ->> 'marketplaceId', ''), d.status,
                       d.raw -> 'fulfillment' ->> 'fulfilledBy',
                       coalesce((d.raw ->> 'createdTime')::timestamptz, d.last_updated_time), d.last_updated_time,
                       (d.raw -> 'fulfillment' -> 'shipByWindow' ->> 'earliestDateTime')::timestamptz,
                       (d.raw -> 'fulfillment' -> 'shipByWindow' ->> 'latestDateTime')::timestamptz,
                       (d.raw -> 'proceeds' -> 'grandTotal' ->> 'amount')::numeric,
                       d.raw -> 'proceeds' -> 'grandTotal' ->> 'currencyCode',
                       (SELECT a ->> 'aliasId' FROM jsonb_array_elements(coalesce(d.raw -> 'orderAliases', '[]')) a
                         WHERE a ->> 'aliasType' = 'SELLER_ORDER_ID' LIMIT 1),
                       d.raw - 'orderItems', d.erp_action,
                       CASE WHEN d.erp_action = 'review' THEN 'Failure' WHEN d.erp_action IS NOT NULL THEN 'New' ELSE 'Success' END,
                       CASE WHEN d.erp_action = 'review'
                            THEN 'cancelled by Amazon after a shipment: a person decides (refund, return, or nothing)' END,
                       $3
                  FROM decided d
                 WHERE d.prior_id IS NULL OR d.prior_updated <= d.last_updated_time
                ON CONFLICT (account_id, amazon_order_id) DO UPDATE
                   SET marketplace_id = EXCLUDED.marketplace_id, fulfillment_status = EXCLUDED.fulfillment_status,
                       fulfilled_by = EXCLUDED.fulfilled_by, created_time = EXCLUDED.created_time,
                       last_updated_time = EXCLUDED.last_updated_time, ship_by_earliest = EXCLUDED.ship_by_earliest,
                       ship_by_latest = EXCLUDED.ship_by_latest, grand_total = EXCLUDED.grand_total,
                       currency = EXCLUDED.currency, seller_order_id = EXCLUDED.seller_order_id, raw = EXCLUDED.raw,
                       erp_action = EXCLUDED.erp_action, sync_status = EXCLUDED.sync_status,
                       sync_message = EXCLUDED.sync_message, synced_by_job_id = EXCLUDED.synced_by_job_id, updated_at = now()
                 WHERE t.last_updated_time <= EXCLUDED.last_updated_time
                RETURNING t.id, t.amazon_order_id, (xmax = 0) AS inserted
            ), items AS (
                INSERT INTO amazon_order_item AS t (order_id, order_item_id, seller_sku, asin, title, quantity_ordered,
                       quantity_fulfilled, quantity_unfulfilled, unit_price, currency, buyer_cancel_requested,
                       buyer_cancel_reason, raw)
                SELECT DISTINCT ON (u.id, it ->> 'orderItemId') u.id, it ->> 'orderItemId', it -> 'product' ->> 'sellerSku',
                       it -> 'product' ->> 'asin', it -> 'product' ->> 'title', coalesce((it ->> 'quantityOrdered')::int, 0),
                       coalesce((it -> 'fulfillment' ->> 'quantityFulfilled')::int, 0),
                       (it -> 'fulfillment' ->> 'quantityUnfulfilled')::int,
                       (it -> 'product' -> 'price' -> 'unitPrice' ->> 'amount')::numeric,
                       it -> 'product' -> 'price' -> 'unitPrice' ->> 'currencyCode',
                       it -> 'cancellation' -> 'cancellationRequest' IS NOT NULL,
                       it -> 'cancellation' -> 'cancellationRequest' ->> 'cancelReason', it
                  FROM upserted u JOIN incoming i ON i.amazon_order_id = u.amazon_order_id
                 CROSS JOIN jsonb_array_elements(coalesce(i.raw -> 'orderItems', '[]')) AS it
                 WHERE coalesce(it ->> 'orderItemId', '') <> ''
                ON CONFLICT (order_id, order_item_id) DO UPDATE
                   SET seller_sku = EXCLUDED.seller_sku, asin = EXCLUDED.asin, title = EXCLUDED.title,
                       quantity_ordered = EXCLUDED.quantity_ordered, quantity_fulfilled = EXCLUDED.quantity_fulfilled,
                       quantity_unfulfilled = EXCLUDED.quantity_unfulfilled, unit_price = EXCLUDED.unit_price,
                       currency = EXCLUDED.currency, buyer_cancel_requested = EXCLUDED.buyer_cancel_requested,
                       buyer_cancel_reason = EXCLUDED.buyer_cancel_reason, raw = EXCLUDED.raw, updated_at = now()
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM incoming) AS received,
                   (SELECT count(*) FROM upserted WHERE inserted) AS inserted,
                   (SELECT count(*) FROM upserted WHERE NOT inserted) AS updated,
                   (SELECT count(*) FROM items) AS items
            """, [accountID, PostgresJSON(data: ordersJSON), jobID])
        var outcome = OrderPageOutcome()
        let first = row.first!
        outcome.received = try first.decode(Int.self, "received")
        outcome.inserted = try first.decode(Int.self, "inserted")
        outcome.updated = try first.decode(Int.self, "updated")
        outcome.items = try first.decode(Int.self, "items")
        outcome.stale = outcome.received - outcome.inserted - outcome.updated
        return outcome
    }
}
