import Foundation
import Postgres

/// Takes tokens from limits kept in PostgreSQL (`marketplace_rate_limit`,
/// migration 0005), shared by all workers: a marketplace counts a seller's
/// calls, not a process's. Each take is one statement (a row lock, a lazy
/// refill, a decrement), so two workers can never both spend the last token.
///
/// A handler that finds no token should give its slot back rather than sleep in
/// it: `acquire` sleeps only for short waits and otherwise throws
/// `JobError.retryAfter`, which reschedules the job without spending an attempt.
public struct RateLimiter: Sendable {
    let database: PostgresPool
    /// Waits up to this long are slept through inside the job; longer ones defer it.
    public let maxSleep: Duration
    let now: @Sendable () -> Date

    /// A limiter on `database` (any pool of the shared database: the quota is in the rows, not here).
    public init(database: PostgresPool, maxSleep: Duration = .seconds(1), now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.maxSleep = maxSleep
        self.now = now
    }

    /// Takes one token from every limit, or none: when a later limit refuses,
    /// what the earlier ones gave is put back. Returns 0 when taken, else the
    /// seconds until the refusing limit will have a token (the longest wait if
    /// several refuse is found on the next try).
    public func take(_ limits: [RateLimit]) async throws -> (wait: TimeInterval, limit: RateLimit?) {
        var taken: [RateLimit] = []
        for limit in limits {
            let wait = try await takeOne(limit)
            if wait > 0 {
                for earlier in taken.reversed() { try await giveBack(earlier) }
                return (wait, limit)
            }
            taken.append(limit)
        }
        return (0, nil)
    }

    /// Takes a token from every limit, sleeping through waits up to `maxSleep`.
    /// A longer wait throws `JobError.retryAfter(now + wait, "<context>: rate limit <key> …")`.
    public func acquire(_ limits: [RateLimit], context: String) async throws {
        var slept = Duration.zero
        while true {
            let (wait, limit) = try await take(limits)
            guard wait > 0, let limit else { return }
            let pause = Duration.milliseconds(Int64((wait * 1000).rounded(.up)))
            if slept + pause > maxSleep {
                let seconds = (wait * 10).rounded(.up) / 10
                throw JobError.retryAfter(
                    now().addingTimeInterval(wait),
                    "\(context): rate limit \(limit) has no token for \(seconds) s")
            }
            try await Task.sleep(for: pause)
            slept += pause
        }
    }

    /// Empties a bucket for every worker: the marketplace answered 429, so its
    /// count is ahead of ours. The next take waits one refill. Windows are left alone.
    public func exhaust(_ limit: RateLimit) async throws {
        guard case .bucket = limit.kind else { return }
        _ = try await database.execute("SELECT marketplace_rate_limit_exhaust($1)", [limit.key])
    }

    private func takeOne(_ limit: RateLimit) async throws -> TimeInterval {
        let row: PostgresRow?
        switch limit.kind {
        case .bucket(let rate, let burst):
            row = try await database.query(
                "SELECT marketplace_rate_limit_take($1, $2::numeric, $3::numeric) AS wait",
                [limit.key, rate, burst]
            ).first
        case .window(let count, let seconds):
            row = try await database.query(
                "SELECT marketplace_rate_limit_take_window($1, $2::int, $3::numeric) AS wait",
                [limit.key, count, seconds]
            ).first
        }
        return try row?.decode(Double.self, "wait") ?? 0
    }

    private func giveBack(_ limit: RateLimit) async throws {
        let burst: Int? = if case .bucket(_, let burst) = limit.kind { burst } else { nil }
        _ = try await database.execute("SELECT marketplace_rate_limit_give_back($1, $2::numeric)", [limit.key, burst])
    }
}
