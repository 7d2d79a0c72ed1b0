import Foundation

/// One page of `getReports` (`GetReportsResponse`): the reports and, when
/// more follow, the token that alone asks for the next page.
public struct SPAPIReportPage: Decodable, Sendable, Equatable {
    /// This page's reports.
    public let reports: [SPAPIReport]
    /// Present when another page follows.
    public let nextToken: String?
}
