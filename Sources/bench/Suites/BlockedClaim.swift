import Foundation
import JobQueue
import Postgres

/// Issue 10: "with 10,000 blocked jobs, the claim time is within 2× of the
/// empty-table figure". Times the worker's own claim statement
/// (`Worker.claimSQL`, LIMIT 100) on one connection, in two tables that
/// differ only in 10,000 pending `zortout.pull_stock` jobs of one account
/// whose slot (limit 1 per account) is held, placed first in claim order
/// (priority -1, due an hour ago) so that a claim reading them would pay for
/// it. Both tables hold the work the claims take: 100 other accounts with
/// 30 pending pulls each, and 3,000 unlimited no-op jobs. Each claim takes
/// up to 100 (one per free account plus no-ops); its jobs are then marked
/// done outside the timing, which frees their accounts' slots for the next.
/// The two tables alternate `runs` times; the figure is the median claim.
struct BlockedClaim: BenchSuite {
    let name = "blocked claim"
    let targets = [(issue: 10, target: target)]
    static let target = "claim time with 10,000 blocked jobs (per-account limit reached) within 2× of the empty table"
    static let jobType = "zortout.pull_stock"
    static let blocked = 10_000
    static let otherAccounts = 100
    static let jobsPerAccount = 30
    static let noops = 3_000

    func unavailableReason(_ context: BenchContext) -> String? { nil }

    func run(_ context: BenchContext) async throws -> SuiteOutcome {
        let connection = context.database.connection
        try await context.database.reset()
        try await connection.execute("SELECT marketplace_job_type_limit_set($1, 1, true)", [Self.jobType])
        let accounts = try await connection.query(
            """
            INSERT INTO marketplace_account (name, marketplace)
            SELECT 'bench-limit-' || g, 'bench' FROM generate_series(0, $1::int) g RETURNING id
            """, [Self.otherAccounts]
        ).rows.map { try $0.decode(Int64.self, "id") }
        var empty = Sample()
        var full = Sample()
        var claimsPerTable = 0
        for round in 1...context.runs {
            for withBlocked in [false, true] {
                let times = try await measure(accounts: accounts, withBlocked: withBlocked, on: context.database)
                claimsPerTable = times.count
                for time in times { if withBlocked { full.add(time) } else { empty.add(time) } }
                context.progress(
                    "  round \(round): \(withBlocked ? "10,000 blocked" : "no blocked"): median claim \(Sample.decimal(Self.median(times) * 1000, 2)) ms"
                )
            }
        }
        try await context.database.reset()
        try await connection.execute("DELETE FROM marketplace_account WHERE marketplace = 'bench'")
        let ratio = full.median / empty.median
        let section = [
            "### Claim with 10,000 blocked jobs: `Worker.claimSQL`, LIMIT 100, one connection",
            "",
            "\(Self.otherAccounts) accounts × \(Self.jobsPerAccount) pending `\(Self.jobType)` (limit 1 per account) and "
                + "\(Sample.rate(Double(Self.noops))) no-op jobs to claim; \(claimsPerTable) claims per table per round, "
                + "\(context.runs) round\(context.runs == 1 ? "" : "s"), median (min–max) in ms.",
            "",
            "| table | claim time |",
            "|---|---|",
            "| no blocked jobs | \(Self.milliseconds(empty)) |",
            "| 10,000 blocked jobs of one account at its limit, first in claim order | \(Self.milliseconds(full)) (\(Sample.decimal(ratio, 2))× the empty table) |",
        ]
        let result = TargetResult.check(
            issue: 10, Self.target, measured: "\(Sample.decimal(ratio, 2))× the empty table", value: ratio, bound: 2,
            atLeast: false, format: { Sample.decimal($0, 2) + "×" })
        return SuiteOutcome(section: section, targets: [result])
    }

    /// Fills the table, then claims until nothing is left to take; the seconds of each claim that took jobs.
    private func measure(accounts: [Int64], withBlocked: Bool, on database: BenchDatabase) async throws -> [Double] {
        let connection = database.connection
        try await database.reset()
        let busy = accounts[0]
        // The busy account's one running job holds its slot: it is the only job, so the claim takes it.
        try await connection.execute(
            "INSERT INTO marketplace_job (job_type, account_id) VALUES ($1, $2::bigint)", [Self.jobType, busy])
        let held = try await claim(on: connection)
        guard held.count == 1 else { throw BenchError("blocked claim: expected to hold 1 job, claimed \(held.count)") }
        if withBlocked {
            try await connection.execute(
                """
                INSERT INTO marketplace_job (job_type, account_id, priority, next_run_at)
                SELECT $1, $2::bigint, -1, now() - interval '1 hour' FROM generate_series(1, $3::int)
                """, [Self.jobType, busy, Self.blocked])
        }
        try await connection.execute(
            """
            INSERT INTO marketplace_job (job_type, account_id)
            SELECT $1, a FROM unnest($2::bigint[]) a, generate_series(1, $3::int) g ORDER BY g, a
            """,
            [Self.jobType, "{\(accounts.dropFirst().map(String.init).joined(separator: ","))}", Self.jobsPerAccount])
        try await connection.execute(
            "INSERT INTO marketplace_job (job_type) SELECT 'system.noop' FROM generate_series(1, $1::int)", [Self.noops])
        try await database.settle()
        var times: [Double] = []
        while true {
            let began = ContinuousClock.now
            let ids = try await claim(on: connection)
            let elapsed = ContinuousClock.now - began
            if ids.isEmpty { break }
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            try await connection.execute(
                "UPDATE marketplace_job SET state = 'done', finished_at = now(), locked_by = NULL WHERE id = ANY($1::bigint[])",
                ["{\(ids.map(String.init).joined(separator: ","))}"])
        }
        let blockedLeft =
            try await connection.query(
                "SELECT count(*) AS n FROM marketplace_job WHERE account_id = $1::bigint AND state = 'pending'", [busy]
            ).first?.decode(Int.self, "n") ?? -1
        guard blockedLeft == (withBlocked ? Self.blocked : 0) else {
            throw BenchError("blocked claim: the busy account's limit leaked (\(blockedLeft) of its jobs left pending)")
        }
        return times
    }

    private func claim(on connection: PostgresConnection) async throws -> [Int64] {
        try await connection.query(Worker.claimSQL, [100, "bench-claim", String?.none, 30.0]).rows.map {
            try $0.decode(Int64.self, "id")
        }
    }

    private static func median(_ values: [Double]) -> Double {
        var sample = Sample()
        for value in values { sample.add(value) }
        return sample.median
    }

    private static func milliseconds(_ sample: Sample) -> String {
        "\(Sample.decimal(sample.median * 1000, 2)) (\(Sample.decimal(sample.min * 1000, 2))–\(Sample.decimal(sample.max * 1000, 2)))"
    }
}
