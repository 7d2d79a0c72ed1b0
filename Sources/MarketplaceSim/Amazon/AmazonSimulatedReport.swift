import Foundation

/// A report as `getReports` lists it (`Report` in `reports_2021-06-30.json`).
public struct AmazonSimulatedReport: Sendable, Codable, Equatable {
    /// Unique per seller.
    public var reportId: String
    /// e.g. `GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2`.
    public var reportType: String
    /// Always `DONE` for settlements (Amazon generates them finished).
    public var processingStatus: String
    /// When Amazon made it.
    public var createdTime: Date
    /// Its document.
    public var reportDocumentId: String
    /// The marketplaces it covers.
    public var marketplaceIds: [String]
}
