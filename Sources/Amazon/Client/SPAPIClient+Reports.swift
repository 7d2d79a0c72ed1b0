import Foundation

/// The Reports API 2021-06-30 subset the settlement import needs: list
/// reports, locate a document, download it (gunzipped when Amazon says GZIP).
extension SPAPIClient {
    /// The Reports API version path.
    public static let reportsPath = "/reports/2021-06-30"

    /// `getReports`, first page: reports of these types and statuses created since `createdSince`.
    public func getReports(
        reportTypes: [String], processingStatuses: [String] = ["DONE"], createdSince: Date? = nil, pageSize: Int = 100
    ) async throws(AmazonError) -> SPAPIReportPage {
        var query = [
            URLQueryItem(name: "reportTypes", value: reportTypes.joined(separator: ",")),
            URLQueryItem(name: "pageSize", value: String(pageSize)),
        ]
        if !processingStatuses.isEmpty {
            query.append(URLQueryItem(name: "processingStatuses", value: processingStatuses.joined(separator: ",")))
        }
        if let createdSince { query.append(URLQueryItem(name: "createdSince", value: createdSince.formatted(.iso8601))) }
        return try await call(
            .getReports, method: "GET", path: "\(Self.reportsPath)/reports", body: nil as [String: String]?, query: query)
    }

    /// `getReports`, a later page: the token is the only parameter, as the model says.
    public func getReports(nextToken: String) async throws(AmazonError) -> SPAPIReportPage {
        try await call(
            .getReports, method: "GET", path: "\(Self.reportsPath)/reports", body: nil as [String: String]?,
            query: [URLQueryItem(name: "nextToken", value: nextToken)])
    }

    /// `getReportDocument`: where the report's bytes are, and whether they are gzipped.
    public func getReportDocument(_ reportDocumentID: String) async throws(AmazonError) -> SPAPIReportDocument {
        try await call(
            .getReportDocument, method: "GET", path: "\(Self.reportsPath)/documents/\(Self.segment(reportDocumentID))",
            body: nil as [String: String]?)
    }

    /// `getReportDocument` then the download, gunzipped when `compressionAlgorithm` is GZIP
    /// (a body that does not inflate is `.notGzip`, carrying the raw bytes).
    public func downloadReportDocument(_ reportDocumentID: String, limit: Int = 1 << 30) async throws(AmazonError) -> Data {
        let document = try await getReportDocument(reportDocumentID)
        return try await download(
            FeedDocument(
                feedDocumentID: document.reportDocumentId, url: document.url,
                compressionAlgorithm: document.compressionAlgorithm),
            limit: limit)
    }
}
