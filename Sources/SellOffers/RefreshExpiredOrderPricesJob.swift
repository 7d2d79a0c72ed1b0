import Foundation
import JobQueue

/// `sell_offer.refresh_expired`: enqueues a `sell_offer.recalculate` for every
/// order price that has expired or expires within `withinSeconds` (default
/// 300), oldest first, at most `limit` (default 10000) per run. Fanning out
/// keeps each recalculation its own retryable job, and the queue's unique_key
/// keeps it to one pending job per order price however often this runs.
///
/// Payload (all optional): `{"withinSeconds": 300, "limit": 10000}`.
public struct RefreshExpiredOrderPricesJob: JobHandler {
    public static let jobType = "sell_offer.refresh_expired"

    public struct Payload: Decodable, Sendable {
        let value: PayloadValue
        public init(from decoder: any Decoder) throws { value = try PayloadValue(from: decoder) }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Order prices due now (or within the window) that got a pending recalculation.
        public var enqueued: Int
        /// Due order prices left for the next run because of `limit`.
        public var remaining: Int
    }

    public init() {}

    public func run(_ payload: Payload, context: JobContext) async throws -> Result {
        var problems = PayloadProblems()
        let fields = problems.object(payload.value, "payload")
        func number(_ key: String, default value: Int, range: ClosedRange<Int>) -> Int {
            switch fields[key] {
            case nil, .null?: return value
            case .integer(let number)? where range.contains(number): return number
            case let other?:
                problems.add(key, "expected a whole number in \(range.lowerBound)…\(range.upperBound), found \(other.shown)")
                return value
            }
        }
        let within = number("withinSeconds", default: 300, range: 0...86_400)
        let limit = number("limit", default: 10_000, range: 1...1_000_000)
        guard problems.isEmpty else {
            throw JobError.permanent("invalid \(Self.jobType) payload: " + problems.lines.joined(separator: "; "))
        }
        let row = try await context.database.query(
            """
            WITH due AS (
                SELECT order_price_id FROM order_price
                 WHERE expires_at <= now() + $1::integer * interval '1 second'
                 ORDER BY expires_at LIMIT $2::integer
            )
            SELECT sell_offer_enqueue_recalculations(ARRAY(SELECT order_price_id FROM due), 'expired') AS enqueued,
                   (SELECT count(*) FROM order_price WHERE expires_at <= now() + $1::integer * interval '1 second')
                       - (SELECT count(*) FROM due) AS remaining
            """, [within, limit]
        ).first
        return Result(
            enqueued: try row?.decode(Int.self, "enqueued") ?? 0, remaining: try row?.decode(Int.self, "remaining") ?? 0)
    }
}
