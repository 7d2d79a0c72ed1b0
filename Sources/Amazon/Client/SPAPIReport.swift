import Foundation

/// One report as `getReports` lists it (`Report` in `reports_2021-06-30.json`).
public struct SPAPIReport: Decodable, Sendable, Equatable {
    /// Unique per seller.
    public let reportId: String
    /// e.g. `GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2`.
    public let reportType: String
    /// `DONE`, `IN_QUEUE`, `IN_PROGRESS`, `CANCELLED` or `FATAL`.
    public let processingStatus: String
    /// ISO 8601, as Amazon sent it.
    public let createdTime: String
    /// The document to download, once DONE.
    public let reportDocumentId: String?
    /// The period the data covers, when Amazon says.
    public let dataStartTime: String?
    /// The period's end.
    public let dataEndTime: String?
    /// Marketplaces the report covers.
    public let marketplaceIds: [String]?
}
