import Postgres

/// Empties the catalog tables the Amazon suites fill (products, stock,
/// operations, sync rows, feeds, accounts' jobs), so each round starts alike.
enum AmazonCatalogReset {
    static func run(_ connection: PostgresConnection) async throws {
        try await connection.execute(
            """
            TRUNCATE amazon_feed_message, amazon_feed, amazon_product_sync, amazon_product_operation, stock_quant, product,
                     product_template, marketplace_rate_limit RESTART IDENTITY CASCADE
            """)
        try await connection.execute("TRUNCATE marketplace_job RESTART IDENTITY")
        try await connection.execute("DELETE FROM marketplace_account WHERE marketplace = 'amazon'")
        try await connection.execute(
            """
            INSERT INTO stock_location (id, name, warehouse_code) OVERRIDING SYSTEM VALUE VALUES (1, 'WH/Online', 'ODS001')
            ON CONFLICT DO NOTHING
            """)
    }
}
