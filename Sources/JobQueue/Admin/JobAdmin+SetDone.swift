import Foundation
import Postgres

extension JobAdmin {
    /// OCA queue_job's "set done": a failed job an operator has dealt with by
    /// hand becomes `done` without running. Its error history is kept, the
    /// latest error moves into it (kind `set_done`) and `error` is cleared, as
    /// for every done job; the result says who did it. Only failed jobs.
    public func setDone(id: Int64, by person: String) async throws {
        try await connection.transaction { connection in
            guard
                let row = try await connection.query("SELECT state FROM marketplace_job WHERE id = $1 FOR UPDATE", [id])
                    .first
            else { throw JobAdminError.notFound("job \(id) does not exist") }
            let state = try row.decode(String.self, "state")
            guard state == JobState.failed.rawValue else {
                throw JobAdminError.refused("job \(id) is \(state), not failed; only failed jobs are set done")
            }
            try await connection.execute(
                """
                UPDATE marketplace_job
                   SET state = 'done', finished_at = now(), updated_at = now(),
                       result = jsonb_build_object('set_done_by', $2::text),
                       errors = errors || jsonb_build_array(jsonb_build_object(
                           'at', now(), 'attempt', attempts,
                           'kind', 'set_done', 'error', coalesce(error, '') || ' (set done by ' || $2::text || ')')),
                       error = NULL
                 WHERE id = $1
                """, [id, person])
        }
    }
}
