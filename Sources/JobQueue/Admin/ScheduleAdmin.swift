import Foundation
import Postgres

/// What `jobctl schedules` does: list `marketplace_schedule` rows with their
/// last jobs, and change one row's interval, payload or enabled flag.
public struct ScheduleAdmin: Sendable {
    /// jobctl's connection; one per command.
    public let connection: PostgresConnection

    /// Works on `connection`.
    public init(connection: PostgresConnection) { self.connection = connection }

    /// One schedule, with its account and the state of its last job.
    public struct Schedule: Sendable, Codable {
        public var id: Int64
        public var accountID: Int64?
        public var accountName: String?
        public var jobType: String
        public var payload: String
        public var intervalSeconds: Int
        public var nextRunAt: Date
        public var enabled: Bool
        /// Whether it runs now: enabled, and for an account schedule the account is automatic and sync-enabled.
        public var active: Bool
        /// Why an enabled schedule does not run, e.g. "account not automatic".
        public var inactiveReason: String?
        public var origin: String
        public var lastJobID: Int64?
        public var lastJobState: String?
        public var lastEnqueuedAt: Date?
        public var lastEnqueuedBy: String?
        public var runCount: Int
        public var skipCount: Int
    }

    static let selectSQL = """
        SELECT s.id, s.account_id, a.name AS account_name, s.job_type, s.payload::text AS payload, s.interval_seconds,
               s.next_run_at, s.enabled, s.origin, s.last_job_id, j.state AS last_job_state, s.last_enqueued_at,
               s.last_enqueued_by, s.run_count, s.skip_count,
               CASE WHEN NOT s.enabled THEN 'disabled'
                    WHEN s.account_id IS NULL THEN NULL
                    WHEN NOT a.sync_enabled THEN 'account has sync_enabled = false'
                    WHEN a.settings -> 'automatic' IS DISTINCT FROM 'true'::jsonb THEN 'account not automatic (settings.automatic)'
               END AS inactive_reason
          FROM marketplace_schedule s
          LEFT JOIN marketplace_account a ON a.id = s.account_id
          LEFT JOIN marketplace_job j ON j.id = s.last_job_id
        """

    /// Every schedule: system ones first, then by account and id.
    public func list() async throws -> [Schedule] {
        try await connection.query(Self.selectSQL + " ORDER BY s.account_id NULLS FIRST, s.id").rows.map(Self.schedule)
    }

    /// One schedule, or `notFound`.
    public func schedule(id: Int64) async throws -> Schedule {
        guard let row = try await connection.query(Self.selectSQL + " WHERE s.id = $1", [id]).first else {
            throw JobAdminError.notFound("schedule \(id) does not exist; list them with: jobctl schedules")
        }
        return try Self.schedule(row)
    }

    /// A change to one schedule; nil fields stay as they are.
    public struct Change: Sendable {
        public var intervalSeconds: Int?
        public var enabled: Bool?
        public var payload: String?
        /// A change of the given fields only.
        public init(intervalSeconds: Int? = nil, enabled: Bool? = nil, payload: String? = nil) {
            self.intervalSeconds = intervalSeconds
            self.enabled = enabled
            self.payload = payload
        }
    }

    /// Applies a change. A new interval takes effect at once: the next run is
    /// no later than now plus the new interval. Enabling a schedule whose slot
    /// passed while it was off runs it once at the next look, not once per
    /// missed slot.
    @discardableResult
    public func update(id: Int64, _ change: Change) async throws -> Schedule {
        if let seconds = change.intervalSeconds, !(1...31_622_400).contains(seconds) {
            throw JobAdminError.invalid("--interval must be between 1 and 31622400 seconds, got \(seconds)")
        }
        if let payload = change.payload {
            guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)), object is [String: Any] else {
                throw JobAdminError.invalid("--payload must be a JSON object, got \(payload.prefix(80))")
            }
        }
        let changed = try await connection.execute(
            """
            UPDATE marketplace_schedule
               SET interval_seconds = coalesce($2, interval_seconds),
                   next_run_at = CASE WHEN $2::int IS NULL THEN next_run_at
                                      ELSE least(next_run_at, now() + make_interval(secs => $2::int)) END,
                   enabled = coalesce($3, enabled),
                   payload = coalesce($4::jsonb, payload),
                   updated_at = now()
             WHERE id = $1
            """, [id, change.intervalSeconds, change.enabled, change.payload.map(PostgresJSON.init(text:))])
        guard changed == 1 else {
            throw JobAdminError.notFound("schedule \(id) does not exist; list them with: jobctl schedules")
        }
        return try await schedule(id: id)
    }

    private static func schedule(_ row: PostgresRow) throws -> Schedule {
        let enabled = try row.decode(Bool.self, "enabled")
        let reason: String? = row["inactive_reason"]
        return Schedule(
            id: try row.decode(Int64.self, "id"), accountID: try row.decode(Int64?.self, "account_id"),
            accountName: row["account_name"], jobType: try row.decode(String.self, "job_type"),
            payload: try row.decode(String.self, "payload"), intervalSeconds: try row.decode(Int.self, "interval_seconds"),
            nextRunAt: try row.decode(Date.self, "next_run_at"), enabled: enabled, active: reason == nil,
            inactiveReason: reason, origin: try row.decode(String.self, "origin"),
            lastJobID: try row.decode(Int64?.self, "last_job_id"), lastJobState: row["last_job_state"],
            lastEnqueuedAt: try row.decode(Date?.self, "last_enqueued_at"), lastEnqueuedBy: row["last_enqueued_by"],
            runCount: try row.decode(Int.self, "run_count"), skipCount: try row.decode(Int.self, "skip_count"))
    }
}
