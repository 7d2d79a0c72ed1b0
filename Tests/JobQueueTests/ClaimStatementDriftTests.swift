import Foundation
import TestSupport
import Testing

@testable import JobQueue

/// The pgbench ceiling scripts (`bench/pgbench/*.sql`) claim with a copy of
/// the worker's claim statement, so the benchmark's "share of the ceiling" is
/// only meaningful while the two agree. This fails the moment either changes
/// alone: change `JobStore.claimSQL` and the scripts together.
@Suite struct ClaimStatementDriftTests {
    /// The worker's statement as the scripts spell it: no `--types` filter,
    /// the script's LIMIT, `locked_by = 'pgbench'` and the default 30 s lease.
    static func workerClaim(limit: String) throws -> (pick: String, update: String) {
        let parts = try ClaimSQLText.parts(of: JobStore.claimSQL)
        var pick = parts.pick
        for filter in [
            "AND ($3::text[] IS NULL OR job_type = ANY($3::text[]))",
            "AND ($3::text[] IS NULL OR s.job_type = ANY($3::text[]))",
        ] {
            let typesFilter = ClaimSQLText.normalised(filter)
            #expect(pick.contains(typesFilter), "the worker's claim lost a --types filter; update this test's mapping")
            pick = pick.replacingOccurrences(of: " " + typesFilter, with: "")
        }
        #expect(!pick.contains("$3"), "the worker's claim uses --types in a new place; update this test's mapping")
        pick = pick.replacingOccurrences(of: "$1", with: limit)
        let update = parts.update.replacingOccurrences(of: "locked_by = $2", with: "locked_by = 'pgbench'")
            .replacingOccurrences(of: "make_interval(secs => $4)", with: "interval '30 seconds'")
        return (pick, update)
    }

    @Test("bench/pgbench/*.sql claim exactly as JobStore.claimSQL does")
    func pgbenchScriptsMatchTheWorkersClaim() throws {
        let directory = repositoryRoot.appendingPathComponent("bench/pgbench")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(scripts == ["claim-batch.sql", "claim-one.sql"], "a pgbench script was added or removed; check it here too")
        for script in scripts {
            let text = try String(contentsOf: directory.appendingPathComponent(script), encoding: .utf8)
            let bench = try ClaimSQLText.parts(of: text)
            let limit = try #require(bench.pick.firstMatch(of: /LIMIT (\d+)/)?.1, "\(script) has no LIMIT")
            let worker = try Self.workerClaim(limit: String(limit))
            #expect(bench.pick == worker.pick, "\(script): the job selection drifted from JobStore.claimSQL")
            #expect(bench.update == worker.update, "\(script): the claim UPDATE drifted from JobStore.claimSQL")
        }
    }

    @Test("the normaliser ignores layout and comments but not a changed guard")
    func normaliserSeesOnlyMeaning() throws {
        let a = try ClaimSQLText.parts(
            of:
                "-- c\nWITH next AS (SELECT id FROM t\n WHERE state = 'pending' ) UPDATE marketplace_job j SET a = 1\n  FROM next WHERE j.id = next.id"
        )
        let b = try ClaimSQLText.parts(
            of:
                "WITH next AS ( SELECT id   FROM t WHERE state = 'pending') UPDATE marketplace_job j SET a = 1 FROM next WHERE j.id = next.id -- x"
        )
        let c = try ClaimSQLText.parts(
            of:
                "WITH next AS (SELECT id FROM t WHERE state = 'running') UPDATE marketplace_job j SET a = 1 FROM next WHERE j.id = next.id"
        )
        #expect(a.pick == b.pick && a.update == b.update)
        #expect(a.pick != c.pick)
    }
}
