import Amazon
import Foundation
import MarketplaceSim
import Postgres
import TestSupport
import Testing

/// Issue 11, Done-when 5: `amazon.settlements` in a real worker against the
/// simulator's reports (getReports paging, getReportDocument, gzip or not).
@Suite(.serialized) struct SettlementJobTests {
    func runImport(_ h: SalesHarness, pageSize: Int = 100) async throws -> Int64 {
        let job = try await h.pool.query(
            "SELECT marketplace_enqueue('amazon.settlements', jsonb_build_object('page_size', $2::int), account_id => $1) AS id",
            [h.account, pageSize]
        ).first!.decode(Int64.self, "id")
        h.startWorker()
        #expect(try await h.wait(job: job))
        return job
    }

    @Test func aGzippedReportOf2000LinesInCommaFormIsImportedToTheCent() async throws {
        let h = try await SalesHarness.start("setl2000")
        try await withTeardown(await h.finish()) { () async throws in
            let big = AmazonSettlementReportSpec(settlementID: "11223344556", lines: 2_000, decimalComma: true, gzip: true)
            let plain = AmazonSettlementReportSpec(
                settlementID: "11223344557", lines: 25, decimalComma: false, gzip: false, currency: "USD")
            await h.sim.addSettlementReport(big)
            await h.sim.addSettlementReport(plain)
            let job = try await runImport(h, pageSize: 1)
            let outcome = try await h.job(job)
            #expect(outcome.state == "done", "\(outcome)")
            #expect(await h.sim.stats().operations["getReports"] == 2, "two pages of one report")
            for spec in [big, plain] {
                let row = try #require(
                    try await h.row(
                        """
                        SELECT s.total_amount::text AS total, s.line_count, s.currency, s.deposit_date IS NOT NULL AS dated,
                               (SELECT sum(amount)::text FROM amazon_settlement_line l WHERE l.settlement_row_id = s.id) AS lines_total,
                               (SELECT count(*) FROM amazon_settlement_line l WHERE l.settlement_row_id = s.id) AS lines
                          FROM amazon_settlement s WHERE s.account_id = $1 AND s.settlement_id = $2
                        """, [h.account, spec.settlementID]))
                #expect(Decimal(string: row["total"]!) == spec.totalAmount, "total \(row["total"]!) vs \(spec.totalAmount)")
                #expect(row["lines_total"] == row["total"], "the stored lines sum to the stored total")
                #expect(try row.decode(Int.self, "line_count") == spec.lines && row["lines"] == String(spec.lines))
                #expect(row["currency"] == spec.currency && row["dated"] == "t")
            }
            // Every amount to the cent, in file order.
            let amounts = try await h.pool.query(
                """
                SELECT l.amount::text AS amount FROM amazon_settlement_line l JOIN amazon_settlement s ON s.id = l.settlement_row_id
                 WHERE s.settlement_id = $1 ORDER BY l.line_number
                """, [big.settlementID]
            ).rows.map { Decimal(string: $0["amount"]!)! }
            #expect(amounts == big.amounts())
            #expect(
                try await h.row("SELECT amount::text AS a FROM amazon_settlement_line WHERE line_number = 3 LIMIT 1")?["a"]?
                    .contains(".") == true,
                "stored with its cents")

            // A second run knows both reports and imports nothing.
            let again = try await runImport(h)
            let second = try await h.job(again)
            #expect(second.state == "done")
            #expect(second.result?.contains(#""known": 2"#) == true, "\(second.result ?? "")")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_settlement") == 2)
            try await h.expectNoSecrets()
        }
    }

    @Test func aReportWhoseLinesDoNotSumIsRefusedNamingBothFigures() async throws {
        let h = try await SalesHarness.start("setloff")
        try await withTeardown(await h.finish()) { () async throws in
            let off = AmazonSettlementReportSpec(settlementID: "99887766", lines: 40, totalOffset: Decimal(string: "0.01")!)
            let good = AmazonSettlementReportSpec(settlementID: "99887767", lines: 5)
            let offReport = await h.sim.addSettlementReport(off)
            await h.sim.addSettlementReport(good)
            let job = try await runImport(h)
            let outcome = try await h.job(job)
            let sum = off.amounts().reduce(0, +)
            #expect(outcome.state == "failed" && outcome.attempts == 1, "\(outcome)")
            let error = outcome.error ?? ""
            #expect(error.contains("99887766") && error.contains("sum to \(sum) EUR"), "\(error)")
            #expect(error.contains("total-amount is \(off.totalAmount) EUR"), "\(error)")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_settlement WHERE settlement_id = '99887766'") == 0)
            #expect(
                try await h.count(
                    "SELECT count(*) AS n FROM amazon_settlement_line l JOIN amazon_settlement s ON s.id = l.settlement_row_id WHERE s.settlement_id = '99887766'"
                ) == 0)
            #expect(
                try await h.count("SELECT count(*) AS n FROM amazon_settlement WHERE settlement_id = '99887767'") == 1,
                "the good one is imported")
            let refusal = try #require(try await h.row("SELECT report_id, message FROM amazon_settlement_refusal"))
            #expect(refusal["report_id"] == offReport.reportId && refusal["message"]?.contains("\(off.totalAmount)") == true)

            // The next daily run skips the refused report instead of failing on it again.
            let again = try await runImport(h)
            #expect(try await h.job(again).state == "done")
            let list = try await AmazonAdmin(database: h.pool).settlements(
                account: try await AmazonAdmin(database: h.pool).account(String(h.account)), limit: 10)
            #expect(list.settlements.map(\.settlementId) == ["99887767"])
            #expect(list.refusals.count == 1 && list.settlements.first?.linesTotal == list.settlements.first?.totalAmount)
        }
    }

    @Test func aReportThatClaimsGzipButIsNotIsRefusedAndThrottlingCostsNoAttempt() async throws {
        let h = try await SalesHarness.start("setlgz")
        try await withTeardown(await h.finish()) { () async throws in
            await h.sim.addSettlementReport(AmazonSettlementReportSpec(settlementID: "555", lines: 3), corruptGzip: true)
            await h.sim.setFaults(AmazonFaults(tooManyRequests: 1, rateLimitLimit: "20"))
            let job = try await runImport(h)
            let outcome = try await h.job(job)
            #expect(outcome.state == "failed" && outcome.attempts == 1 && outcome.kinds.first == "snooze", "\(outcome)")
            #expect(outcome.error?.contains("not valid gzip") == true, "\(outcome.error ?? "")")
            #expect(try await h.count("SELECT count(*) AS n FROM amazon_settlement_refusal") == 1)
        }
    }
}
