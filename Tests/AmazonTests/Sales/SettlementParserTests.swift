import Amazon
import Foundation
import MarketplaceSim
import Testing

/// Issue 11, Done-when 5 without a server: local-format amounts read exactly,
/// the flat file read by header name, and a sum that is off refused with both figures.
struct SettlementParserTests {
    @Test func amountsInEitherLocalFormatAreExact() throws {
        let cases: [(String, String)] = [
            ("95,00", "95"), ("95.00", "95"), ("-3,50", "-3.5"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"),
            ("1.234.567,89", "1234567.89"), ("12.345.678,9", "12345678.9"), ("0,01", "0.01"), ("+7", "7"), ("1,234", "1234"),
            ("123456789012345,67", "123456789012345.67"),
        ]
        for (text, expected) in cases {
            #expect(try AmazonMoneyText.parse(text) == Decimal(string: expected), "\(text)")
        }
        for bad in ["", "-", "9,5,0", "1.23.4", "12,34.5,6", "1 234,00", "ten", "1,2345.00", ",5", "5,", "1.234.56,00,0"] {
            #expect(throws: AmazonMoneyText.Failure.self, "\(bad)") { try AmazonMoneyText.parse(bad) }
        }
    }

    @Test func aGeneratedFileReadsByHeaderNameToTheCent() throws {
        let spec = AmazonSettlementReportSpec(settlementID: "1234567890", lines: 2_000, decimalComma: true, promotionColumn: true)
        let reports = try SettlementReportParser.parse(Data(spec.tsv().utf8))
        let report = try #require(reports.first)
        #expect(reports.count == 1)
        #expect(report.settlementID == "1234567890" && report.currency == "EUR")
        #expect(report.lines.count == 2_000)
        #expect(report.lines.map(\.amount) == spec.amounts(), "every amount exact")
        #expect(report.totalAmount == spec.totalAmount && report.linesTotal == spec.totalAmount)
        try report.verify()
        #expect(report.depositDate != nil && report.startDate! < report.endDate!)
        #expect(report.lines[10].promotionID == "PROMO-11")
        #expect(report.lines[0].row == 3, "row 1 is the header, row 2 the summary")
    }

    @Test func datesInEveryFormAmazonWrites() throws {
        func deposit(_ text: String) throws -> Date? {
            let file = "settlement-id\ttotal-amount\tcurrency\tamount\tdeposit-date\nS1\t1,00\tEUR\t\t\(text)\n"
            return try SettlementReportParser.parse(Data(file.utf8)).first?.depositDate
        }
        let expected = try Date("2026-11-01T07:05:09Z", strategy: .iso8601)
        for text in ["2026-11-01 07:05:09 UTC", "01.11.2026 07:05:09 UTC", "2026-11-01T07:05:09Z", "2026-11-01T08:05:09+01:00"] {
            #expect(try deposit(text) == expected, "\(text)")
        }
        #expect(try deposit("2024-02-29") == (try Date("2024-02-29T00:00:00Z", strategy: .iso8601)))
        #expect(try deposit("1999-12-31 23:59:59 UTC") == Date(timeIntervalSince1970: 946_684_799))
        for bad in ["2026-02-29", "31.04.2026", "2026-13-01 00:00:00 UTC", "2026-11-01 24:00:00 UTC"] {
            #expect(throws: SettlementReportError.self, "\(bad)") { try deposit(bad) }
        }
    }

    @Test func columnsMayComeInAnyOrderWithExtrasAndCRLF() throws {
        let text =
            "currency\tamount\tsettlement-id\ttotal-amount\tnew-column\r\n"
            + "USD\t\tS1\t10.50\t\r\n"
            + "USD\t12.00\tS1\t\tx\r\n"
            + "USD\t-1.50\tS1\t\t\r\n\r\n"
        let report = try #require(try SettlementReportParser.parse(Data(text.utf8)).first)
        #expect(report.lines.map(\.amount) == [12, Decimal(string: "-1.5")!])
        #expect(report.lines[0].extra == ["new-column": "x"])
        try report.verify()
    }

    @Test func aSumThatIsOffIsRefusedNamingBothFigures() throws {
        let spec = AmazonSettlementReportSpec(settlementID: "S-OFF", lines: 3, totalOffset: Decimal(string: "0.01")!)
        let report = try #require(try SettlementReportParser.parse(Data(spec.tsv().utf8)).first)
        let sum = spec.amounts().reduce(0, +)
        do {
            try report.verify()
            Issue.record("a wrong total was accepted")
        } catch {
            #expect(error.description.contains("S-OFF"))
            #expect(error.description.contains("sum to \(sum) EUR"), "\(error)")
            #expect(error.description.contains("total-amount is \(sum + Decimal(string: "0.01")!) EUR"), "\(error)")
        }
    }

    @Test func badFilesNameTheRowAndColumn() {
        let cases: [(String, String)] = [
            ("settlement-id\tamount\tcurrency\nS1\t1,00\tEUR\n", "no 'total-amount' column"),
            ("settlement-id\ttotal-amount\tcurrency\tamount\nS1\t1,00\tEUR\t\nS1\t\tEUR\tzwei\n", "row 3, column 'amount'"),
            ("settlement-id\ttotal-amount\tcurrency\tamount\nS1\t\tEUR\t1,00\n", "no summary row"),
            ("settlement-id\ttotal-amount\tcurrency\tamount\nS1\t1,00\tEUR\t\t\textra\n", "row 2: 6 fields"),
            ("settlement-id\ttotal-amount\tcurrency\tamount\tdeposit-date\nS1\t1,00\tEUR\t\tsoon\n", "column 'deposit-date'"),
            ("", "holds no settlement"),
        ]
        for (text, expected) in cases {
            do {
                _ = try SettlementReportParser.parse(Data(text.utf8))
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.description.contains(expected), "\(error)")
            }
        }
    }
}
