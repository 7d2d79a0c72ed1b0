import Foundation
import JobQueue

/// `amazon.settlements` (account; daily by the default schedule): imports
/// the settlement reports Amazon generated. Lists
/// `GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2` reports (DONE, created within
/// `created_since_days`, 90 by default: Amazon keeps them that long) with
/// getReports, paging by `nextToken`; downloads each report it has neither
/// imported nor refused with getReportDocument (gunzipped when GZIP); and
/// imports each settlement-id in one transaction. A settlement whose lines do
/// not sum to its total-amount is refused with both figures: recorded in
/// `amazon_settlement_refusal` (so later runs skip it) and the job fails for
/// good, which notifies a person. A throttled call comes back later without
/// spending an attempt; the reports imported so far stay, and the next run
/// goes on from there.
public struct SettlementsJob: JobHandler {
    /// The job type.
    public static let jobType = "amazon.settlements"
    public static var requiresAccount: Bool { true }
    public static var timeout: Duration { .seconds(1800) }
    /// The report type (the `_FLAT_FILE` and `_XML` variants were removed on 2026-11-11).
    public static let reportType = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"

    /// Optional listing bounds.
    public struct Payload: Decodable, Sendable {
        /// How far back to list (1 to 90 days, default 90).
        public var createdSinceDays: Int?
        /// Reports per getReports page (1 to 100, default 100).
        public var pageSize: Int?
        enum CodingKeys: String, CodingKey { case createdSinceDays = "created_since_days", pageSize = "page_size" }
    }

    /// What the run imported and refused.
    public struct Result: Codable, Sendable {
        /// DONE settlement reports listed.
        public var listed = 0
        /// Of them, imported or refused before.
        public var known = 0
        /// Settlement ids imported by this run.
        public var imported: [String] = []
        /// Lines imported by this run.
        public var lines = 0
        /// Why reports were refused by this run.
        public var refused: [String] = []
        enum CodingKeys: String, CodingKey { case listed, known, imported = "imported_settlements", lines, refused }
    }

    /// The handler.
    public init() {}

    /// Lists, downloads and imports (see the type's comment).
    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        let account = try AmazonJobSupport.account(context)
        let days = payload.createdSinceDays ?? 90
        let pageSize = payload.pageSize ?? 100
        guard (1...90).contains(days) else { throw JobError.permanent("created_since_days must be 1 to 90, got \(days)") }
        guard (1...100).contains(pageSize) else { throw JobError.permanent("page_size must be 1 to 100, got \(pageSize)") }
        let client = AmazonJobSupport.client(account, context)
        let store = SettlementStore(database: context.database)
        var reports: [SPAPIReport] = []
        var page = try await AmazonJobSupport.call { () async throws(AmazonError) in
            try await client.getReports(
                reportTypes: [Self.reportType], processingStatuses: ["DONE"],
                createdSince: context.now().addingTimeInterval(-Double(days) * 86_400), pageSize: pageSize)
        }
        reports += page.reports
        while let token = page.nextToken {
            try context.checkCancellation()
            page = try await AmazonJobSupport.call { () async throws(AmazonError) in try await client.getReports(nextToken: token)
            }
            reports += page.reports
        }
        let ready = reports.filter {
            $0.reportType == Self.reportType && $0.processingStatus == "DONE" && $0.reportDocumentId != nil
        }.sorted { $0.createdTime < $1.createdTime }
        var result = Result()
        result.listed = ready.count
        let known = try await store.knownReports(accountID: account.id, reportIDs: ready.map(\.reportId))
        let fresh = ready.filter { !known.contains($0.reportId) }
        result.known = ready.count - fresh.count
        context.progress(done: 0, total: fresh.count, phase: "reports")
        for (index, report) in fresh.enumerated() {
            try context.checkCancellation()
            let documentID = report.reportDocumentId!
            let data: Data
            do {
                data = try await client.downloadReportDocument(documentID)
            } catch {
                guard case .notGzip = error else { throw error.jobError }
                let message = "report \(report.reportId): \(error.description)"
                try await store.refuse(
                    accountID: account.id, reportID: report.reportId, reportDocumentID: documentID, settlementID: nil,
                    message: message, jobID: context.jobID)
                result.refused.append(message)
                continue
            }
            do {
                for settlement in try SettlementReportParser.parse(data) {
                    do {
                        try settlement.verify()
                        if try await store.importSettlement(
                            accountID: account.id, reportID: report.reportId, reportDocumentID: documentID,
                            settlement: settlement)
                        {
                            result.imported.append(settlement.settlementID)
                            result.lines += settlement.lines.count
                        }
                    } catch let error as SettlementReportError {
                        let message = "report \(report.reportId): \(error.description)"
                        try await store.refuse(
                            accountID: account.id, reportID: report.reportId, reportDocumentID: documentID,
                            settlementID: settlement.settlementID, message: message, jobID: context.jobID)
                        result.refused.append(message)
                    }
                }
            } catch let error as SettlementReportError {
                let message = "report \(report.reportId): \(error.description)"
                try await store.refuse(
                    accountID: account.id, reportID: report.reportId, reportDocumentID: documentID, settlementID: nil,
                    message: message, jobID: context.jobID)
                result.refused.append(message)
            }
            context.progress(done: index + 1, total: fresh.count, phase: "reports")
        }
        context.logger.info(
            "amazon settlements imported",
            metadata: [
                "account_id": "\(account.id)", "listed": "\(result.listed)", "imported": "\(result.imported.count)",
                "lines": "\(result.lines)", "refused": "\(result.refused.count)",
            ])
        if !result.refused.isEmpty {
            throw JobError.permanent(
                "\(result.refused.count) settlement report(s) refused (\(result.imported.count) settlement(s) imported): "
                    + result.refused.prefix(5).joined(separator: " | "))
        }
        return result
    }
}
