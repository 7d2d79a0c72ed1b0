import Foundation
import Postgres
import TestSupport
import Testing

/// `marketplace_erp` (migration 0012) does what the README says the ERP does,
/// by plain SQL, and the queue's triggers still fire for it: its jobs get their
/// concurrency key, its order ids queue the acknowledgement, its shipments and
/// refunds queue their jobs. It never reads a secret.
@Suite struct ERPRoleTests {
    @Test func theERPRoleWorksTheTablesItOwnsAndReadsNoSecret() async throws {
        let db = try await TestDatabase.create(label: "erprole")
        let admin = try await db.connect()
        let erp = try await db.connect()
        try await withTeardown(await (admin.close(), erp.close(), db.drop())) { () async throws in
            let account = try #require(
                try await admin.query(
                    """
                    INSERT INTO marketplace_account (name, marketplace, settings, credentials)
                    VALUES ('amz', 'amazon', '{"seller_id": "S1", "marketplace_ids": ["M1"]}',
                            '{"client_id": "c", "client_secret": "ERP-SECRET-1", "refresh_token": "r"}')
                    RETURNING id
                    """
                ).first
            ).decode(Int64.self, "id")
            _ = try await admin.query("SELECT marketplace_job_type_limit_set('amazon.catalog_sync', 1)")
            let order = try #require(
                try await admin.query(
                    """
                    INSERT INTO amazon_order (account_id, amazon_order_id, marketplace_id, fulfillment_status,
                                              created_time, last_updated_time)
                    VALUES ($1, '111-0000001-0000001', 'M1', 'UNSHIPPED', now() - interval '1 hour', now())
                    RETURNING id
                    """, [account]
                ).first
            ).decode(Int64.self, "id")
            try await admin.execute(
                "INSERT INTO amazon_order_item (order_id, order_item_id, quantity_ordered) VALUES ($1, 'OI-1', 1)", [order])

            try await erp.execute("SET ROLE marketplace_erp")
            // A job, keyed by the concurrency trigger though the ERP may not touch the slot tables.
            try await erp.execute(
                "INSERT INTO marketplace_job (job_type, account_id) VALUES ('amazon.catalog_sync', $1)", [account])
            #expect(
                try await admin.query("SELECT concurrency_key FROM marketplace_job WHERE job_type = 'amazon.catalog_sync'")
                    .first?["concurrency_key"] == "amazon.catalog_sync:\(account)")
            // Its ids on the order and the item queue the acknowledgement.
            try await erp.execute(
                "UPDATE amazon_order_item SET erp_order_line_id = 'SOL1', merchant_order_item_id = 'SOL1' WHERE order_id = $1",
                [order])
            try await erp.execute(
                "UPDATE amazon_order SET erp_order_id = 'SO1', merchant_order_id = 'SO1', erp_action = NULL WHERE id = $1",
                [order])
            // A shipment and a refund.
            try await erp.execute(
                """
                INSERT INTO amazon_shipment (order_id, erp_picking_id, carrier_code, tracking_number, ship_date, items)
                VALUES ($1, 'WH/OUT/1', 'UPS', '1Z1', now(), '[{"order_item_id": "OI-1", "quantity": 1}]')
                """, [order])
            try await erp.execute(
                """
                INSERT INTO amazon_adjustment (order_id, erp_refund_id, reason, lines)
                VALUES ($1, 'RF-1', 'CustomerReturn',
                        '[{"order_item_id": "OI-1", "quantity": 1, "components": [{"type": "Principal", "amount": "5.00"}]}]')
                """, [order])
            let queued = try await admin.query("SELECT job_type FROM marketplace_job ORDER BY job_type").rows.compactMap {
                $0["job_type"] as String?
            }
            for type in ["amazon.catalog_sync", "amazon.confirm_shipment", "amazon.orders_ack", "amazon.refund"] {
                #expect(queued.contains(type), "\(type) not queued: \(queued)")
            }
            // What the ERP may not do.
            for sql in [
                "SELECT credentials FROM marketplace_account", "UPDATE amazon_order SET grand_total = 0",
                "UPDATE amazon_shipment SET status = 'Success'", "SELECT * FROM marketplace_concurrency_slot",
                "UPDATE marketplace_job SET state = 'done'",
            ] {
                do {
                    try await erp.execute(sql)
                    Issue.record("\(sql) was allowed to marketplace_erp")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "42501", "\(sql): \(error)")
                }
            }
            #expect(try await erp.query("SELECT count(*)::int AS n FROM amazon_order").first?.decode(Int.self, "n") == 1)
        }
    }
}
