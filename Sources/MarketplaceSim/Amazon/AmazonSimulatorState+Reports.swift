import Foundation
import Gzip

/// Settlement reports: generated on request (Amazon makes them on its own
/// schedule; tests and the demo say when), listed by getReports with real
/// paging, served by getReportDocument behind a pre-signed URL.
extension AmazonSimulatorState {
    enum ReportListing { case page([AmazonSimulatedReport], nextToken: String?), invalid(String) }

    /// Adds a DONE settlement report built from `spec`; returns it.
    func addSettlementReport(_ spec: AmazonSettlementReportSpec, corruptGzip: Bool = false) -> AmazonSimulatedReport {
        let text = Data(spec.tsv().utf8)
        let bytes = corruptGzip ? Data("not gzip at all".utf8) : spec.gzip ? ((try? Gzip.compress(text)) ?? text) : text
        let document = AmazonSimulatedReportDocument(
            id: "amzn1.spdoc.1.4.na.settlement." + UUID().uuidString.lowercased(), signature: Self.randomHex(32),
            bytes: bytes, gzip: spec.gzip || corruptGzip)
        sales.reportDocuments[document.id] = document
        let report = AmazonSimulatedReport(
            reportId: String(sales.nextReportNumber), reportType: "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
            processingStatus: "DONE", createdTime: Date(), reportDocumentId: document.id,
            marketplaceIds: [orderBook.all.first?.marketplaceID ?? "A1PA6795UKMFR9"])
        sales.nextReportNumber += 1
        sales.reports.append(report)
        return report
    }

    func settlementReports() -> [AmazonSimulatedReport] { sales.reports }

    /// getReports: the first page from the query, later pages from the token alone.
    func listReports(query: [String: String]) -> ReportListing {
        let filter: AmazonReportFilter
        var offset = 0
        if let token = query["nextToken"] {
            guard let saved = sales.reportTokens[token] else { return .invalid("The nextToken is invalid or expired.") }
            filter = saved.filter
            offset = saved.offset
        } else {
            guard let types = query["reportTypes"], !types.isEmpty else {
                return .invalid("reportTypes is required when nextToken is not given.")
            }
            let size = query["pageSize"].map { Int($0) ?? -1 } ?? 10
            guard (1...100).contains(size) else { return .invalid("pageSize must be between 1 and 100.") }
            var since: Date?
            if let text = query["createdSince"] {
                guard let date = try? Date(text, strategy: .iso8601) else { return .invalid("createdSince is not ISO 8601.") }
                since = date
            }
            var until: Date?
            if let text = query["createdUntil"] {
                guard let date = try? Date(text, strategy: .iso8601) else { return .invalid("createdUntil is not ISO 8601.") }
                until = date
            }
            filter = AmazonReportFilter(
                reportTypes: Set(types.split(separator: ",").map(String.init)),
                processingStatuses: query["processingStatuses"].map { Set($0.split(separator: ",").map(String.init)) },
                createdSince: since, createdUntil: until, pageSize: size)
        }
        let matching = sales.reports.filter { report in
            filter.reportTypes.contains(report.reportType)
                && (filter.processingStatuses?.contains(report.processingStatus) ?? true)
                && (filter.createdSince.map { report.createdTime >= $0 } ?? true)
                && (filter.createdUntil.map { report.createdTime < $0 } ?? true)
        }.sorted { $0.createdTime > $1.createdTime }
        let page = Array(matching.dropFirst(offset).prefix(filter.pageSize))
        var next: String?
        if offset + page.count < matching.count {
            let token = "tok-" + Self.randomHex(24)
            sales.reportTokens[token] = (filter, offset + page.count)
            next = token
        }
        return .page(page, nextToken: next)
    }

    func reportDocument(id: String) -> AmazonSimulatedReportDocument? { sales.reportDocuments[id] }
}
