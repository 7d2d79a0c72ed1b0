import Foundation
import JobQueue

/// What both catalog jobs need from the job's context: the decoded account
/// and a client sharing the worker's token cache and the database rate limiter.
enum AmazonJobSupport {
    static func account(_ context: JobContext) throws -> AmazonAccount {
        try AmazonAccount(context.requireAccount(marketplace: "amazon"))
    }

    static func client(_ account: AmazonAccount, _ context: JobContext) -> SPAPIClient {
        SPAPIClient(
            account: account, http: context.http, tokens: .shared, rateLimiter: RateLimiter(database: context.database),
            timeout: .seconds(account.settings.requestTimeoutSeconds))
    }

    static func feedSettings(_ settings: AmazonSettings) -> FeedSettings {
        FeedSettings(
            sellerID: settings.sellerID, marketplaceID: settings.marketplaceIDs[0],
            imageBaseURL: settings.imageBaseURL?.absoluteString,
            defaultProductType: settings.defaultProductType ?? "PRODUCT", currency: settings.currency)
    }

    /// Runs an SP-API call, turning its typed error into the job outcome it calls for.
    static func call<T>(_ body: () async throws(AmazonError) -> T) async throws(JobError) -> T {
        do { return try await body() } catch { throw error.jobError }
    }
}
