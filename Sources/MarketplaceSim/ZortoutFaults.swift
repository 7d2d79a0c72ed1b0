import Foundation

/// Trouble the Zortout simulator serves on purpose. Counters are consumed one
/// per API request (control routes excluded), in the order the fields are
/// listed: a request that hits a 500 does not also consume a 429.
///
/// Set from tests with `ZortoutSimulator.setFaults`, from a shell with
/// `POST /_control/faults` and this type's JSON, or with `marketplace-sim` flags.
public struct ZortoutFaults: Sendable, Codable, Equatable {
    /// Serve this many requests normally before the counted faults below start
    /// (e.g. 1 = the second page fails).
    public var afterRequests: Int
    /// The next N requests get HTTP 500.
    public var internalErrors: Int
    /// The next N requests get HTTP 429 with `Retry-After: retryAfterSeconds`.
    public var tooManyRequests: Int
    public var retryAfterSeconds: Int
    /// The next N requests get an HTML error page with HTTP 200 (a captive proxy, a CDN page).
    public var htmlPages: Int
    /// The next N requests get HTTP 200 with an empty body.
    public var emptyBodies: Int
    /// Every request waits this long before answering (0 = no delay).
    public var delayMilliseconds: Int
    /// Every request is answered as if the credentials were wrong.
    public var rejectCredentials: Bool
    /// Attach Zortout's `"resCode":"100"` quota notice to successful reads.
    public var quotaNotice: Bool

    public init(
        afterRequests: Int = 0, internalErrors: Int = 0, tooManyRequests: Int = 0, retryAfterSeconds: Int = 1, htmlPages: Int = 0,
        emptyBodies: Int = 0, delayMilliseconds: Int = 0, rejectCredentials: Bool = false, quotaNotice: Bool = false
    ) {
        self.afterRequests = afterRequests
        self.internalErrors = internalErrors
        self.tooManyRequests = tooManyRequests
        self.retryAfterSeconds = retryAfterSeconds
        self.htmlPages = htmlPages
        self.emptyBodies = emptyBodies
        self.delayMilliseconds = delayMilliseconds
        self.rejectCredentials = rejectCredentials
        self.quotaNotice = quotaNotice
    }

    enum CodingKeys: String, CodingKey {
        case afterRequests = "after_requests", internalErrors = "internal_errors", tooManyRequests = "too_many_requests"
        case retryAfterSeconds = "retry_after_seconds", htmlPages = "html_pages", emptyBodies = "empty_bodies"
        case delayMilliseconds = "delay_ms", rejectCredentials = "reject_credentials", quotaNotice = "quota_notice"
    }

    /// Every field optional in JSON, so `{"internal_errors": 2}` is a complete request.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            afterRequests: try container.decodeIfPresent(Int.self, forKey: .afterRequests) ?? 0,
            internalErrors: try container.decodeIfPresent(Int.self, forKey: .internalErrors) ?? 0,
            tooManyRequests: try container.decodeIfPresent(Int.self, forKey: .tooManyRequests) ?? 0,
            retryAfterSeconds: try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 1,
            htmlPages: try container.decodeIfPresent(Int.self, forKey: .htmlPages) ?? 0,
            emptyBodies: try container.decodeIfPresent(Int.self, forKey: .emptyBodies) ?? 0,
            delayMilliseconds: try container.decodeIfPresent(Int.self, forKey: .delayMilliseconds) ?? 0,
            rejectCredentials: try container.decodeIfPresent(Bool.self, forKey: .rejectCredentials) ?? false,
            quotaNotice: try container.decodeIfPresent(Bool.self, forKey: .quotaNotice) ?? false
        )
    }
}
