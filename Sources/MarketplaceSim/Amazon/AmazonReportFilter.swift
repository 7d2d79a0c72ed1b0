import Foundation

/// What a getReports listing asked for; kept with its nextToken, since later
/// pages pass only the token.
struct AmazonReportFilter: Sendable {
    var reportTypes: Set<String>
    var processingStatuses: Set<String>?
    var createdSince: Date?
    var createdUntil: Date?
    var pageSize: Int
}
