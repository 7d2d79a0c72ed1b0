import Amazon
import Foundation
import TestSupport
import Testing

/// The strict report decoder, on Amazon's own example and on broken reports.
@Suite struct ProcessingReportTests {
    @Test func readsTheOfficialExample() throws {
        let data = try Data(
            contentsOf: SchemaValidator.amazonDirectory.appendingPathComponent(
                "listings-feed-processing-report-schema-v2.example.json"))
        let report = try ProcessingReport.parse(data)
        #expect(report.header.feedId == "1234567890")
        #expect(report.summary.messagesInvalid == 2)
        let (byMessage, feedErrors) = report.outcomes()
        #expect(feedErrors.isEmpty)
        #expect(byMessage[4]?.failed == true)
        #expect(byMessage[4]?.message.contains("batteries_required") == true)
        #expect(byMessage[4]?.message.contains("supplier_declared_dg_hz_regulation") == true)
        #expect(byMessage[5]?.message.contains("purchasable_offer.our_price") == true)
        #expect(byMessage[1] == nil, "a message without issues is a plain Success")
    }

    @Test func aReportThatBreaksTheSchemaIsAPreciseError() async throws {
        let missing = Data(#"{"header": {"sellerId": "A", "version": "2.0", "feedId": "1"}, "issues": []}"#.utf8)
        #expect(try await !SchemaValidator.errors(in: missing, schema: SchemaValidator.reportSchema).isEmpty)
        #expect { try ProcessingReport.parse(missing) } throws: { "\($0)".contains("missing required 'summary'") }
        let badSeverity = Data(
            #"{"header": {"sellerId": "A", "version": "2.0", "feedId": "1"}, "issues": [{"severity": "FATALITY", "message": "x"}], "summary": {"errors": 0, "warnings": 0, "messagesProcessed": 0, "messagesAccepted": 0, "messagesInvalid": 0}}"#
                .utf8)
        #expect(try await !SchemaValidator.errors(in: badSeverity, schema: SchemaValidator.reportSchema).isEmpty)
        #expect { try ProcessingReport.parse(badSeverity) } throws: { "\($0)".contains("issues[0].severity") }
        #expect { try ProcessingReport.parse(Data([0x1f, 0x8b, 0x00])) } throws: { "\($0)".contains("processing report") }
    }
}
