import Foundation

/// The parameters of one `searchOrders` call (Orders 2026-01-01). Amazon wants
/// exactly one of `createdAfter` and `lastUpdatedAfter` and never mixes the
/// two families; a later page repeats the same parameters plus the token.
public struct OrderSearch: Sendable, Equatable, Codable {
    /// Which family of time filters the search uses.
    public enum Basis: String, Sendable, Codable {
        /// `lastUpdatedAfter`/`lastUpdatedBefore`: the incremental download and `--since`.
        case lastUpdated = "last_updated"
        /// `createdAfter`/`createdBefore`: "all orders of the past three months".
        case created
    }

    /// The time filter family.
    public var basis: Basis
    /// The window's start (inclusive).
    public var after: Date
    /// The window's end (inclusive); at least two minutes before the request, as Amazon requires.
    public var before: Date
    /// The marketplaces searched.
    public var marketplaceIDs: [String]
    /// 1…100.
    public var pageSize: Int
    /// The previous page's `nextToken`; nil for the first page.
    public var paginationToken: String?

    /// A search from parts.
    public init(
        basis: Basis, after: Date, before: Date, marketplaceIDs: [String], pageSize: Int = 100,
        paginationToken: String? = nil
    ) {
        self.basis = basis
        self.after = after
        self.before = before
        self.marketplaceIDs = marketplaceIDs
        self.pageSize = pageSize
        self.paginationToken = paginationToken
    }

    /// The datasets the sync reads (the design's list).
    public static let includedData = "FULFILLMENT,PROCEEDS,CANCELLATION,PACKAGES,RECIPIENT"

    /// The query items, in the model's parameter names; merchant-fulfilled orders only.
    public var queryItems: [URLQueryItem] {
        let (afterName, beforeName) =
            basis == .created ? ("createdAfter", "createdBefore") : ("lastUpdatedAfter", "lastUpdatedBefore")
        var items = [
            URLQueryItem(name: afterName, value: Self.iso(after)),
            URLQueryItem(name: beforeName, value: Self.iso(before)),
            URLQueryItem(name: "marketplaceIds", value: marketplaceIDs.joined(separator: ",")),
            URLQueryItem(name: "fulfilledBy", value: "MERCHANT"),
            URLQueryItem(name: "maxResultsPerPage", value: String(pageSize)),
            URLQueryItem(name: "includedData", value: Self.includedData),
        ]
        if let paginationToken { items.append(URLQueryItem(name: "paginationToken", value: paginationToken)) }
        return items
    }

    /// ISO 8601 in UTC with milliseconds, as the model's examples write it.
    public static func iso(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
