import Foundation
import Postgres

/// Issue 9: "end to end against the simulator (processing delay set to zero):
/// 10,000 product creates submitted, their reports applied and all the
/// follow-ups sent in ≤ 30 s". `marketplace-sim amazon --port 0
/// --processing-delay-ms 0` (the release build next to `worker`) and one
/// release `worker run` (concurrency 10) on LISTEN, known to be up. 10,000
/// listed single-variant products are inserted by SQL (the triggers write
/// 10,000 creates), then one `amazon.catalog_sync` is enqueued and the clock
/// starts. It stops when every sync row is Success (10,000 creates, then
/// their 30,000 follow-ups: price, inventory, image), nothing is New and no
/// job is pending or running: the create feed, its report applied, the
/// follow-up feeds (25,000 + 5,000 messages) submitted and their reports
/// applied too. The account uses Amazon's default quotas (three feeds fit them).
struct AmazonEndToEnd: BenchSuite {
    let name = "amazon end to end"
    static let target =
        "10,000 product creates end to end against `marketplace-sim amazon` (delay 0): submitted, reports applied, follow-ups sent ≤ 30 s"
    var targets: [(issue: Int, target: String)] { [(9, Self.target)] }
    static let products = 10_000

    /// `bench/run` builds `marketplace-sim` in release next to `worker`.
    func simulatorBinary(_ context: BenchContext) -> URL {
        context.runner.workerBinary.deletingLastPathComponent().appendingPathComponent("marketplace-sim")
    }

    func unavailableReason(_ context: BenchContext) -> String? {
        let path = simulatorBinary(context).path
        return FileManager.default.isExecutableFile(atPath: path)
            ? nil : "no `marketplace-sim` next to the worker (\(path)); bench/run builds it"
    }

    func run(_ context: BenchContext) async throws -> SuiteOutcome {
        let connection = context.database.connection
        var seconds = Sample()
        var detail = ""
        for round in 1...max(1, min(context.runs, 3)) {
            let (elapsed, summary) = try await once(context, connection: connection, round: round)
            seconds.add(elapsed)
            detail = summary
            context.progress("  round \(round): \(String(format: "%.2f", elapsed)) s (\(summary))")
        }
        try await AmazonCatalogReset.run(connection)
        let median = seconds.median
        let section = [
            "### Amazon end to end: 10,000 creates and their follow-ups against `marketplace-sim amazon`",
            "",
            "Enqueue of `amazon.catalog_sync` → every sync row Success and the queue empty; 1 release worker (c10),",
            "simulator processing delay 0, Amazon's default quotas.",
            "",
            "| rounds | median | min | max | last round |",
            "|---|---|---|---|---|",
            "| \(seconds.values.count) | \(String(format: "%.2f", median)) s | \(String(format: "%.2f", seconds.min)) s | \(String(format: "%.2f", seconds.max)) s | \(detail) |",
        ]
        let result = TargetResult.check(
            issue: 9, Self.target, measured: "\(String(format: "%.2f", median)) s", value: median, bound: 30, atLeast: false,
            format: { String(format: "%.2f s", $0) })
        return SuiteOutcome(section: section, targets: [result])
    }

    private func once(_ context: BenchContext, connection: PostgresConnection, round: Int) async throws -> (Double, String) {
        try await AmazonCatalogReset.run(connection)
        let logs = context.runner.logDirectory
        let credentials = (id: "amzn1.application-oa2-client.bench", secret: "bench-client-secret", refresh: "Atzr|bench-refresh")
        let simulator = try WorkerProcess(
            executable: simulatorBinary(context),
            arguments: [
                "amazon", "--port", "0", "--processing-delay-ms", "0", "--client-id", credentials.id, "--client-secret",
                credentials.secret, "--refresh-token", credentials.refresh, "--seller-id", "A2BENCHSELLER",
            ],
            logFile: logs.appendingPathComponent("amazon-sim-\(round).log"))
        defer { if simulator.isRunning { simulator.signal(SIGKILL) } }
        let (endpoint, tokenEndpoint) = try await Self.endpoints(simulator)

        let account = try await connection.query(
            """
            INSERT INTO marketplace_account (name, marketplace, settings, credentials) VALUES ('Amazon bench', 'amazon',
              jsonb_build_object('seller_id', 'A2BENCHSELLER', 'marketplace_ids', jsonb_build_array('ATVPDKIKX0DER'),
                                 'endpoint', $1::text, 'token_endpoint', $2::text, 'image_base_url', 'https://img.example.com',
                                 'currency', 'USD', 'default_product_type', 'PRODUCT'),
              jsonb_build_object('client_id', $3::text, 'client_secret', $4::text, 'refresh_token', $5::text)) RETURNING id
            """, [endpoint, tokenEndpoint, credentials.id, credentials.secret, credentials.refresh]
        ).first!.decode(Int64.self, "id")
        try await connection.execute(
            """
            INSERT INTO product_template (name, brand, list_price, currency, amazon_product_type, amazon_image_version)
            SELECT 'E2E-' || g, 'Acme', 10 + (g % 100) / 100.0, 'USD', 'PRODUCT', 'v1' FROM generate_series(1, $1::int) g
            """, [Self.products])
        try await connection.execute(
            """
            INSERT INTO product (default_code, name, template_id, amazon_sync_active)
            SELECT t.name, 'Item ' || t.name, t.id, true FROM product_template t ORDER BY t.id
            """)
        try await connection.execute("INSERT INTO stock_quant (product_id, location_id, quantity) SELECT id, 1, 7 FROM product")
        try await connection.execute("VACUUM (ANALYZE) amazon_product_operation")
        try await context.database.settle()

        let worker = try WorkerProcess(
            executable: context.runner.workerBinary,
            arguments: [
                "run", "--concurrency", "10", "--database-url", context.database.conninfo, "--worker-id", "bench-amazon",
                "--log-level", "warning",
            ] + context.claimAhead.arguments,
            logFile: logs.appendingPathComponent("amazon-e2e-worker-\(round).log"))
        defer { if worker.isRunning { worker.signal(SIGKILL) } }
        try await connection.execute("INSERT INTO marketplace_job (job_type) VALUES ('system.noop')")
        try await context.runner.waitForDone(1, worker: worker)

        let start = ContinuousClock.now
        try await connection.execute(
            """
            SELECT marketplace_enqueue('amazon.catalog_sync', '{"first_poll_seconds": 0.1, "poll_seconds": 0.1}',
                                       account_id => $1::bigint, unique_key => 'amazon.catalog_sync:' || $1::bigint::text)
            """, [account])
        let expected = Self.products * 4
        let deadline = ContinuousClock.now + .seconds(300)
        while true {
            worker.sampleMemory()
            let row = try await connection.query(
                """
                SELECT (SELECT count(*) FROM amazon_product_sync WHERE sync_status = 'Success') AS success,
                       (SELECT count(*) FROM amazon_product_sync WHERE sync_status <> 'Success') AS open,
                       (SELECT count(*) FROM marketplace_job WHERE state IN ('pending', 'running')) AS jobs,
                       (SELECT count(*) FROM marketplace_job WHERE state = 'failed') AS failed
                """
            ).first!
            let success = try row.decode(Int.self, "success")
            if success == expected, try row.decode(Int.self, "open") == 0, try row.decode(Int.self, "jobs") == 0 { break }
            if try row.decode(Int.self, "failed") > 0 {
                let error = try await connection.query(
                    "SELECT job_type, error FROM marketplace_job WHERE state = 'failed' LIMIT 1"
                )
                .first
                throw BenchError("amazon end to end: \(error?["job_type"] ?? "?") failed: \(error?["error"] ?? "?")")
            }
            guard worker.isRunning, simulator.isRunning else {
                throw BenchError("amazon end to end: a process exited:\n\(worker.tail)\n\(simulator.tail)")
            }
            guard ContinuousClock.now < deadline else {
                throw BenchError("amazon end to end: \(success) of \(expected) sync rows Success after 300 s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = (ContinuousClock.now - start).seconds
        let feeds = try await connection.query(
            """
            SELECT count(*) AS n, coalesce(sum(message_count), 0) AS messages FROM amazon_feed WHERE processing_status = 'DONE'
            """
        ).first!
        worker.signal(SIGTERM)
        try await WorkerProcess.waitForAll([worker], timeout: .seconds(60))
        simulator.signal(SIGTERM)
        return (
            elapsed, "\(feeds["n"] ?? "?") feeds, \(feeds["messages"] ?? "?") messages, worker peak \(worker.peakKiB / 1024) MiB"
        )
    }

    /// Reads the simulator's `endpoint` and `token_endpoint` lines from its log.
    static func endpoints(_ simulator: WorkerProcess) async throws -> (String, String) {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: simulator.logFile, encoding: .utf8)) ?? ""
            var endpoint: String?
            var token: String?
            for line in text.split(separator: "\n") {
                if line.hasPrefix("endpoint ") { endpoint = String(line.dropFirst("endpoint ".count)) }
                if line.hasPrefix("token_endpoint ") { token = String(line.dropFirst("token_endpoint ".count)) }
            }
            if let endpoint, let token { return (endpoint, token) }
            guard simulator.isRunning else { throw BenchError("marketplace-sim amazon exited:\n\(simulator.tail)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("marketplace-sim amazon printed no endpoint within 30 s")
    }
}
