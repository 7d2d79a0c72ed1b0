import Foundation
import Postgres

extension JobStore {
    /// Writes the declared concurrency limits into `marketplace_job_type_limit`
    /// through `marketplace_job_type_limit_set` (migration 0009), one call per
    /// type, in type order so that two workers starting together take the
    /// rows' locks in the same order. An unchanged limit is a no-op; a new or
    /// changed one re-keys the type's pending jobs. Limits of types this
    /// worker does not declare are left alone: another worker (or an
    /// operator, by SQL) may own them.
    static let registerLimitsSQL = """
        SELECT count(*) FILTER (WHERE marketplace_job_type_limit_set(t, m, p)) AS changed
          FROM (SELECT * FROM unnest($1::text[], $2::int[], $3::boolean[]) AS x(t, m, p) ORDER BY t) AS declared
        """

    /// Registers `limits` and returns how many types' limits changed.
    static func registerLimits(_ limits: [String: ConcurrencyLimit], on connection: PostgresConnection) async throws -> Int {
        var types = ArrayLiteral()
        var maxima = ArrayLiteral()
        var perAccount = ArrayLiteral()
        for (type, limit) in limits.sorted(by: { $0.key < $1.key }) {
            types.append(type)
            maxima.append(integer: Int64(limit.maxRunning))
            perAccount.append(limit.perAccount ? "t" : "f")
        }
        let row = try await connection.query(registerLimitsSQL, [types, maxima, perAccount]).first
        return try row?.decode(Int.self, "changed") ?? 0
    }
}
