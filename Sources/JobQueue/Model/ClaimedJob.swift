import Foundation
import Postgres

/// A job this worker holds the lease on.
public struct ClaimedJob: Sendable {
    public let id: Int64
    public let jobType: String
    public let name: String?
    public let accountID: Int64?
    /// The raw `payload` JSON; decoded by the handler's `Payload` type.
    public let payload: Data
    /// `attempts` after the claim incremented it.
    public let attempt: Int
    public let maxAttempts: Int

    /// A job as the claim statement returned it.
    init(
        id: Int64, jobType: String, name: String? = nil, accountID: Int64? = nil, payload: Data = Data("{}".utf8),
        attempt: Int = 1, maxAttempts: Int = 5
    ) {
        self.id = id
        self.jobType = jobType
        self.name = name
        self.accountID = accountID
        self.payload = payload
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        jobType = try row.decode(String.self, "job_type")
        name = row["name"]
        accountID = try row.decode(Int64?.self, "account_id")
        payload = Data(try row.decode(String.self, "payload").utf8)
        attempt = try row.decode(Int.self, "attempts")
        maxAttempts = try row.decode(Int.self, "max_attempts")
    }
}
