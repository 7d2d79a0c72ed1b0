import Foundation
import Postgres

/// The worker's SQL, in one place. Every statement that changes a claimed row
/// is guarded on `state = 'running' AND locked_by = <this worker> AND attempts
/// = <the claimed attempt>`, so a worker that lost its lease can never
/// overwrite the row of whoever runs the job now.
struct JobStore: Sendable {
    let workerID: String
    let leaseSeconds: Double

    // MARK: Claim

    /// Claims up to `$1` due jobs in priority order. SKIP LOCKED lets many
    /// workers claim at once without waiting on each other's rows; the
    /// partial indexes mean only pending rows are read.
    /// `started_at` is cleared: a claimed job may wait in the worker's buffer
    /// (claim-ahead) before its handler starts, and the completion write or
    /// the heartbeat records the real start. `progress` is cleared: a new
    /// attempt starts over (migration 0008).
    ///
    /// Concurrency limits (migration 0009), in the same statement: `free`
    /// locks the free slots of limited keys (SKIP LOCKED: a slot another
    /// claim is filling is skipped, never waited for); `keyed` takes, per key
    /// with a free slot, at most that many of its best pending jobs from
    /// `marketplace_job_keyed_claimable`; `unkeyed` reads unlimited jobs from
    /// `marketplace_job_claimable`; `next` keeps the best `$1` of both, and
    /// `taken` writes each keyed job into one of its key's locked slots. A key
    /// at its limit has no free slot, so its pending jobs are never read: the
    /// cost does not grow with the number of blocked jobs, and blocked jobs
    /// are not claimed, so they spend no attempt. Slots are freed by 0009's
    /// trigger when a job leaves `running`.
    static let claimSQL = """
        WITH free AS (
            SELECT s.concurrency_key, s.slot FROM marketplace_concurrency_slot s
              JOIN marketplace_job_type_limit l ON l.job_type = s.job_type
             WHERE s.job_id IS NULL AND s.slot <= l.max_running
               AND ($3::text[] IS NULL OR s.job_type = ANY($3::text[]))
             FOR UPDATE OF s SKIP LOCKED
        ), keyed AS (
            SELECT c.id, c.priority, c.next_run_at, k.concurrency_key
              FROM (SELECT concurrency_key, count(*) AS free_slots FROM free GROUP BY concurrency_key) k
              CROSS JOIN LATERAL (
                  SELECT id, priority, next_run_at FROM marketplace_job
                   WHERE concurrency_key = k.concurrency_key AND state = 'pending' AND next_run_at <= now()
                   ORDER BY priority, next_run_at, id
                   LIMIT least(k.free_slots, $1)
                   FOR UPDATE SKIP LOCKED
              ) c
        ), unkeyed AS (
            SELECT id, priority, next_run_at FROM marketplace_job
             WHERE state = 'pending' AND concurrency_key IS NULL AND next_run_at <= now()
               AND ($3::text[] IS NULL OR job_type = ANY($3::text[]))
             ORDER BY priority, next_run_at, id
             LIMIT $1
             FOR UPDATE SKIP LOCKED
        ), next AS (
            SELECT id, concurrency_key FROM (
                SELECT id, priority, next_run_at, NULL::text AS concurrency_key FROM unkeyed
                UNION ALL SELECT id, priority, next_run_at, concurrency_key FROM keyed
            ) candidates
             ORDER BY priority, next_run_at, id
             LIMIT $1
        ), taken AS (
            UPDATE marketplace_concurrency_slot s SET job_id = pair.id
              FROM (SELECT n.id, f.concurrency_key, f.slot
                      FROM (SELECT id, concurrency_key, row_number() OVER (PARTITION BY concurrency_key ORDER BY id) AS rank
                              FROM next WHERE concurrency_key IS NOT NULL) n
                      JOIN (SELECT concurrency_key, slot, row_number() OVER (PARTITION BY concurrency_key ORDER BY slot) AS rank
                              FROM free) f USING (concurrency_key, rank)) pair
             WHERE s.concurrency_key = pair.concurrency_key AND s.slot = pair.slot
        )
        UPDATE marketplace_job j
           SET state = 'running', attempts = j.attempts + 1, locked_by = $2,
               locked_until = now() + make_interval(secs => $4), started_at = NULL, updated_at = now(),
               progress = NULL
          FROM next
         WHERE j.id = next.id
        RETURNING j.id, j.job_type, j.name, j.account_id, j.payload::text AS payload, j.attempts, j.max_attempts
        """

    func claimStatement(limit: Int, types: [String]?) -> (sql: String, parameters: [any PostgresBindable]) {
        (Self.claimSQL, [limit, workerID, types, leaseSeconds])
    }

    // MARK: Complete

    /// Writes a batch of outcomes in one statement. `attempts` goes back down
    /// by one for outcomes that must not spend an attempt (snooze, release).
    /// A job that would go back to pending while another job covers its
    /// `unique_key` is superseded (cancelled) instead; which jobs are is
    /// decided by `marketplace_job_superseded` (migration 0004), called once
    /// per statement with the outcomes that would become pending.
    /// `$8` holds when each handler started (NULL: never started).
    static let completeSQL = """
        WITH c AS (
            SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[],
                                 $8::timestamptz[])
                AS c(id, attempt, kind, result, error, run_at, started)
        ), superseded AS (
            SELECT * FROM marketplace_job_superseded(ARRAY(SELECT id FROM c WHERE kind IN ('retry', 'snooze', 'release')))
        )
        UPDATE marketplace_job j SET
            state = CASE WHEN c.kind = 'done' THEN 'done' WHEN c.kind = 'failed' THEN 'failed'
                         WHEN s.id IS NOT NULL THEN 'cancelled' ELSE 'pending' END,
            result = CASE WHEN c.kind = 'done' THEN c.result ELSE j.result END,
            error = CASE WHEN c.kind = 'done' THEN NULL
                         WHEN s.id IS NOT NULL THEN 'superseded by job ' || s.superseded_by || ', which holds the same unique_key'
                         WHEN c.kind = 'release' THEN j.error ELSE c.error END,
            errors = CASE WHEN c.kind IN ('retry', 'failed', 'snooze')
                          THEN j.errors || jsonb_build_array(jsonb_build_object(
                               'at', now(), 'attempt', c.attempt, 'kind', c.kind, 'error', c.error))
                          ELSE j.errors END,
            attempts = CASE WHEN c.kind IN ('snooze', 'release') THEN greatest(j.attempts - 1, 0) ELSE j.attempts END,
            next_run_at = CASE WHEN s.id IS NOT NULL THEN j.next_run_at
                               WHEN c.kind IN ('retry', 'snooze') THEN c.run_at
                               WHEN c.kind = 'release' THEN now() ELSE j.next_run_at END,
            finished_at = CASE WHEN c.kind IN ('done', 'failed') OR s.id IS NOT NULL THEN now() ELSE NULL END,
            started_at = coalesce(j.started_at, c.started),
            locked_by = NULL, locked_until = NULL, updated_at = now()
          FROM c LEFT JOIN superseded s ON s.id = c.id
         WHERE j.id = c.id AND j.state = 'running' AND j.locked_by = $7 AND j.attempts = c.attempt
        """

    /// The common case, every outcome `done`: the same row changes as
    /// `completeSQL` makes for `done`, without its per-row CASE work.
    static let completeDoneSQL = """
        UPDATE marketplace_job j SET
            state = 'done', result = c.result, error = NULL, finished_at = now(),
            started_at = coalesce(j.started_at, c.started),
            locked_by = NULL, locked_until = NULL, updated_at = now()
          FROM unnest($1::bigint[], $2::int[], $3::jsonb[], $5::timestamptz[]) AS c(id, attempt, result, started)
         WHERE j.id = c.id AND j.state = 'running' AND j.locked_by = $4 AND j.attempts = c.attempt
        """

    func completeStatement(_ records: [CompletionRecord]) -> (sql: String, parameters: [any PostgresBindable]) {
        let writable = records.filter { $0.completion != .discard }
        var ids = ArrayLiteral()
        var attempts = ArrayLiteral()
        var results = ArrayLiteral()
        var starts = ArrayLiteral()
        var allDone = true
        for record in writable {
            ids.append(integer: record.jobID)
            attempts.append(integer: Int64(record.attempt))
            starts.append(record.startedAt?.postgresText)
            if case .done(let result) = record.completion {
                results.append(String(decoding: result, as: UTF8.self))
            } else {
                allDone = false
            }
        }
        if allDone { return (Self.completeDoneSQL, [ids, attempts, results, workerID, starts]) }

        var kinds = ArrayLiteral()
        var errors = ArrayLiteral()
        var runAts = ArrayLiteral()
        results = ArrayLiteral()
        for record in writable {
            kinds.append(record.completion.kind)
            switch record.completion {
            case .done(let result):
                results.append(String(decoding: result, as: UTF8.self)); errors.append(nil); runAts.append(nil)
            case .retry(let error, let at):
                results.append(nil); errors.append(error); runAts.append(at.postgresText)
            case .failed(let error):
                results.append(nil); errors.append(error); runAts.append(nil)
            case .snooze(let note, let until):
                results.append(nil); errors.append(note); runAts.append(until.postgresText)
            case .release, .discard:
                results.append(nil); errors.append(nil); runAts.append(nil)
            }
        }
        return (Self.completeSQL, [ids, attempts, kinds, results, errors, runAts, workerID, starts])
    }

    // MARK: Lease

    /// Extends the lease of the jobs still ours (running or buffered) and
    /// returns the ids that are not ours any more (cancelled by an operator,
    /// or rescued after an outage), whose handlers must stop. `$5` holds when
    /// each handler started (NULL: buffered, not started), which records
    /// `started_at` for jobs that run longer than a second.
    static let heartbeatSQL = """
        WITH mine AS (SELECT * FROM unnest($1::bigint[], $2::int[], $5::timestamptz[]) AS m(id, attempt, started)),
        renewed AS (
            UPDATE marketplace_job j SET locked_until = now() + make_interval(secs => $3),
                   started_at = coalesce(j.started_at, mine.started)
              FROM mine
             WHERE j.id = mine.id AND j.attempts = mine.attempt AND j.state = 'running' AND j.locked_by = $4
            RETURNING j.id
        )
        SELECT mine.id FROM mine WHERE mine.id NOT IN (SELECT id FROM renewed)
        """

    func heartbeat(_ jobs: [HeldJob], on connection: PostgresConnection) async throws -> [Int64] {
        var ids = ArrayLiteral()
        var attempts = ArrayLiteral()
        var starts = ArrayLiteral()
        for job in jobs {
            ids.append(integer: job.id)
            attempts.append(integer: Int64(job.attempt))
            starts.append(job.startedAt?.postgresText)
        }
        let result = try await connection.query(Self.heartbeatSQL, [ids, attempts, leaseSeconds, workerID, starts])
        return try result.rows.map { try $0.decode(Int64.self, "id") }
    }

    /// Puts running jobs whose lease ran out (their worker died or lost the
    /// database for longer than the lease) back to pending, or to failed when
    /// their attempts are spent. Any live worker may run this.
    static let rescueSQL = """
        WITH expired AS (
            SELECT id FROM marketplace_job
             WHERE state = 'running' AND locked_until < now()
             ORDER BY locked_until LIMIT 1000
             FOR UPDATE SKIP LOCKED
        ), message AS (
            SELECT j.id, j.attempts < j.max_attempts AS requeue,
                   format('lease expired: worker %s stopped renewing it during attempt %s of %s',
                          coalesce(j.locked_by, '?'), j.attempts, j.max_attempts) AS text
              FROM marketplace_job j JOIN expired USING (id)
        ), superseded AS (
            SELECT * FROM marketplace_job_superseded(ARRAY(SELECT id FROM message WHERE requeue))
        )
        UPDATE marketplace_job j SET
            state = CASE WHEN NOT message.requeue THEN 'failed' WHEN s.id IS NOT NULL THEN 'cancelled' ELSE 'pending' END,
            error = CASE WHEN s.id IS NOT NULL AND message.requeue
                         THEN message.text || '; superseded by job ' || s.superseded_by || ', which holds the same unique_key'
                         ELSE message.text END,
            errors = j.errors || jsonb_build_array(jsonb_build_object(
                     'at', now(), 'attempt', j.attempts, 'kind', 'lease_expired', 'error', message.text)),
            next_run_at = now(),
            finished_at = CASE WHEN NOT message.requeue OR s.id IS NOT NULL THEN now() ELSE NULL END,
            locked_by = NULL, locked_until = NULL, updated_at = now()
          FROM message LEFT JOIN superseded s ON s.id = message.id
         WHERE j.id = message.id
        RETURNING j.id, j.state
        """

    func rescueExpired(on connection: PostgresConnection) async throws -> (requeued: Int, failed: Int) {
        let rows = try await connection.query(Self.rescueSQL).rows
        let failed = rows.filter { $0["state"] == "failed" }.count
        return (rows.count - failed, failed)
    }

    // MARK: Scheduling

    /// The earliest `next_run_at` among pending jobs this worker could take.
    static let nextDueSQL = """
        SELECT next_run_at FROM marketplace_job
         WHERE state = 'pending' AND ($1::text[] IS NULL OR job_type = ANY($1::text[]))
         ORDER BY next_run_at LIMIT 1
        """

    func nextDue(types: [String]?, on connection: PostgresConnection) async throws -> Date? {
        try await connection.query(Self.nextDueSQL, [types]).first?.decode(Date.self, "next_run_at")
    }
}
