import Foundation
import JobQueue

/// The SP-API operations the jobs call, with the usage plans the models state
/// (`feeds_2021-06-30.json`, `orders_2026-01-01.json`; `ordersV0.json` for
/// confirmShipment; `reports_2021-06-30.json` for the settlement reports). The
/// defaults are what a seller gets unless `x-amzn-RateLimit-Limit` says otherwise.
public enum SPAPIOperation: String, Sendable, CaseIterable {
    case createFeedDocument, createFeed, getFeed, getFeedDocument
    /// Orders 2026-01-01 (issue 11).
    case searchOrders
    /// Orders v0's shipment confirmation and the Reports API (issue 11's shipments and settlements).
    case confirmShipment, getReports, getReportDocument

    /// Requests per second the usage plan allows.
    public var defaultRate: Decimal {
        switch self {
        case .createFeedDocument: return Decimal(string: "0.5")!
        case .createFeed: return Decimal(string: "0.0083")!
        case .getFeed: return 2
        case .getFeedDocument: return Decimal(string: "0.0222")!
        case .searchOrders: return Decimal(string: "0.0056")!
        case .confirmShipment: return 2
        case .getReports: return Decimal(string: "0.0222")!
        case .getReportDocument: return Decimal(string: "0.0167")!
        }
    }

    /// Requests the usage plan allows at once after a quiet period.
    public var defaultBurst: Int {
        switch self {
        case .createFeedDocument, .createFeed, .getFeed, .getReportDocument: return 15
        case .getFeedDocument, .confirmShipment, .getReports: return 10
        case .searchOrders: return 20
        }
    }

    /// True for the Orders API: its answers carry buyers' names and
    /// addresses, so an unreadable one is never quoted into an error.
    public var answersHoldPersonalData: Bool { self == .searchOrders }

    /// The shared bucket for this operation. Amazon counts per selling partner
    /// and region, so the key is the seller id at the endpoint's host, not the
    /// account row: two rows for one seller share one quota.
    /// The account's `rate_limits` override, when it has one, wins over the defaults.
    public func rateLimit(settings: AmazonSettings) -> RateLimit {
        let override = settings.rateLimits[rawValue]
        return .bucket(
            "amazon:\(settings.sellerID)@\(settings.endpoint.host ?? "?"):\(rawValue)",
            rate: override?.rate ?? defaultRate, burst: override?.burst ?? defaultBurst)
    }

    /// "5 JSON_LISTINGS_FEED submissions per 5 minutes" (per seller and region),
    /// counted in a sliding window on top of createFeed's bucket.
    public static func feedSubmissionLimit(feedType: String, settings: AmazonSettings) -> RateLimit? {
        guard feedType == "JSON_LISTINGS_FEED" else { return nil }
        let override = settings.rateLimits[AmazonRateLimitOverride.feedSubmissionsKey]
        return .window(
            "amazon:\(settings.sellerID)@\(settings.endpoint.host ?? "?"):submit:\(feedType)",
            limit: override?.limit ?? 5, seconds: override?.seconds ?? 300)
    }
}
