import Foundation
import HTTPClient
import Postgres

/// `system.deliver_webhook`: POSTs the account's undelivered notifications as
/// one JSON digest to `settings.webhook_url`. The failure trigger enqueues it
/// (one pending job per account, by `unique_key`), due when the account's rate
/// limit allows: at most one POST per `settings.webhook_min_interval_seconds`
/// (default 60), so a storm of 10,000 failures is one digest a minute, and the
/// first failure after a quiet spell is sent at once.
///
/// The digest holds notification fields only (ids, job type, severity,
/// message, time) and the account's id and name: never settings or
/// credentials. Errors name the URL without its query string, which may hold
/// a token. A failed POST is retried with backoff; the notifications stay
/// undelivered until a POST succeeds.
public struct DeliverWebhookJob: JobHandler {
    public static let jobType = "system.deliver_webhook"
    public static let requiresAccount = true
    public static var timeout: Duration { .seconds(60) }

    /// Most notifications in one POST; the rest follow in the next digest.
    static let digestLimit = 1000

    /// Notifications sent, those left for the next digest, and the receiver's status.
    public struct Result: Codable, Sendable {
        public var sent: Int
        public var remaining: Int
        public var status: Int?
    }

    /// The POST body.
    struct Digest: Encodable {
        struct Account: Encodable { var id: Int64; var name: String; var marketplace: String }
        struct Item: Encodable {
            var id: Int64
            var jobID: Int64?
            var jobType: String?
            var syncRowID: Int64?
            var severity: String
            var message: String
            var createdAt: Date
            enum CodingKeys: String, CodingKey {
                case id, jobID = "job_id", jobType = "job_type", syncRowID = "sync_row_id", severity, message,
                    createdAt = "created_at"
            }
        }
        var account: Account
        var notifications: [Item]
        /// Undelivered notifications beyond this digest, sent in the next one.
        var remaining: Int
    }

    struct Settings: Decodable {
        var webhookURL: String?
        var webhookMinIntervalSeconds: Double?
        enum CodingKeys: String, CodingKey {
            case webhookURL = "webhook_url", webhookMinIntervalSeconds = "webhook_min_interval_seconds"
        }
    }

    /// The handler has no state.
    public init() {}

    /// Sends one digest, or defers itself until the account's rate limit allows one.
    public func run(_ payload: EmptyPayload, context: JobContext) async throws -> Result {
        guard let account = context.account else { throw JobError.permanent("\(Self.jobType) needs account_id") }
        let settings = try account.settings(as: Settings.self)
        guard let text = settings.webhookURL else {
            return Result(sent: 0, remaining: 0, status: nil)  // the URL was removed since: nothing to do
        }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw JobError.permanent("account \(account.id): settings.webhook_url is not an http(s) URL")
        }
        let window = max(1, settings.webhookMinIntervalSeconds ?? 60)
        return try await context.database.transaction { connection in
            // The state row is locked for the whole delivery, so two delivery
            // jobs of one account never send the same notifications.
            try await connection.execute(
                "INSERT INTO marketplace_webhook_state (account_id) VALUES ($1) ON CONFLICT DO NOTHING", [account.id])
            guard
                let state = try await connection.query(
                    """
                    SELECT last_sent_at, last_notification_id, now() AS now FROM marketplace_webhook_state
                     WHERE account_id = $1 FOR UPDATE
                    """, [account.id]
                ).first
            else { throw JobError.retryable("webhook state row vanished") }
            let now = try state.decode(Date.self, "now")
            if let last = try state.decode(Date?.self, "last_sent_at"), last.addingTimeInterval(window) > now {
                throw JobError.retryAfter(
                    last.addingTimeInterval(window), "the account's webhook sent a digest less than \(Int(window)) s ago")
            }
            let after = try state.decode(Int64.self, "last_notification_id")
            let rows = try await connection.query(
                """
                SELECT id, job_id, job_type, sync_row_id, severity, message, created_at,
                       count(*) OVER () AS total
                  FROM marketplace_notification WHERE account_id = $1 AND id > $2
                 ORDER BY id LIMIT $3
                """, [account.id, after, Self.digestLimit]
            ).rows
            guard let last = rows.last else { return Result(sent: 0, remaining: 0, status: nil) }
            let total = try last.decode(Int.self, "total")
            let items = try rows.map { row in
                Digest.Item(
                    id: try row.decode(Int64.self, "id"), jobID: try row.decode(Int64?.self, "job_id"),
                    jobType: row["job_type"], syncRowID: try row.decode(Int64?.self, "sync_row_id"),
                    severity: try row.decode(String.self, "severity"), message: try row.decode(String.self, "message"),
                    createdAt: try row.decode(Date.self, "created_at"))
            }
            let digest = Digest(
                account: .init(id: account.id, name: account.name, marketplace: account.marketplace),
                notifications: items, remaining: total - items.count)
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let request = HTTPRequest(
                method: "POST", url: url, headers: ["Content-Type": "application/json"],
                body: try encoder.encode(digest), timeout: .seconds(15))
            let response: HTTPResponse
            do {
                response = try await context.http.send(request)
            } catch {
                throw JobError.retryable("webhook \(error)")
            }
            guard response.isSuccess else {
                let what = "webhook \(request.redactedTarget) answered HTTP \(response.status)"
                if response.status == 429, let at = response.retryAfter() { throw JobError.retryAfter(at, what) }
                if (400..<500).contains(response.status) && response.status != 408 {
                    throw JobError.permanent("\(what): the receiver refuses the digest; fix it, then jobctl retry")
                }
                throw JobError.retryable(what)
            }
            try await connection.execute(
                """
                UPDATE marketplace_webhook_state
                   SET last_sent_at = now(), last_notification_id = $2, posts = posts + 1
                 WHERE account_id = $1
                """, [account.id, items.last?.id ?? after])
            if total > items.count {
                // More than one digest's worth: the rest goes out when the rate limit allows.
                try await connection.execute(
                    """
                    SELECT marketplace_enqueue($1, '{}', account_id => $2, run_at => now() + make_interval(secs => $3),
                                               max_attempts => 10, name => 'Deliver notifications', unique_key => $4)
                    """, [Self.jobType, account.id, window, "\(Self.jobType):\(account.id)"])
            }
            return Result(sent: items.count, remaining: total - items.count, status: response.status)
        }
    }
}
