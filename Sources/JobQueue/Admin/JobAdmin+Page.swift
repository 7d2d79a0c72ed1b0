import Foundation
import Postgres

extension JobAdmin {
    /// What a page of the job list shows: each filter is optional.
    public struct PageFilter: Sendable, Equatable {
        /// Only jobs in this state.
        public var state: JobState?
        /// Only jobs of this type.
        public var jobType: String?
        /// Only jobs of this account.
        public var accountID: Int64?
        /// A job id, or text found in the name or the latest error (case-insensitive).
        public var search: String?
        /// Keyset pagination: only jobs with a smaller id (the last id of the page before).
        public var beforeID: Int64?
        /// Rows per page (1–500).
        public var limit: Int = 50

        /// No filter: the newest jobs.
        public init(
            state: JobState? = nil, jobType: String? = nil, accountID: Int64? = nil, search: String? = nil,
            beforeID: Int64? = nil, limit: Int = 50
        ) {
            self.state = state
            self.jobType = jobType
            self.accountID = accountID
            self.search = search
            self.beforeID = beforeID
            self.limit = limit
        }
    }

    /// One page of jobs, newest first, and the id to pass as `beforeID` for the
    /// next page (nil on the last). Keyset on the primary key, never OFFSET, so
    /// page 1,000 costs what page 1 does on millions of rows. Errors are cut to
    /// 300 characters, payloads are not read.
    public func page(_ filter: PageFilter) async throws -> (jobs: [Summary], nextBeforeID: Int64?) {
        guard (1...500).contains(filter.limit) else { throw JobAdminError.invalid("limit must be between 1 and 500") }
        let search = filter.search?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let pattern = search.map { "%" + Self.likeEscaped($0) + "%" }
        let searchID = search.flatMap { Int64($0) }
        let rows = try await connection.query(
            """
            SELECT id, name, job_type, state, account_id, priority, attempts, max_attempts, next_run_at,
                   created_at, finished_at, left(error, 300) AS error, locked_by, progress::text AS progress
              FROM marketplace_job
             WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR job_type = $2)
               AND ($3::bigint IS NULL OR account_id = $3) AND ($4::bigint IS NULL OR id < $4)
               AND ($5::text IS NULL OR id = $6 OR name ILIKE $5 OR error ILIKE $5)
             ORDER BY id DESC
             LIMIT $7
            """,
            [
                filter.state?.rawValue, filter.jobType, filter.accountID, filter.beforeID, pattern, searchID,
                filter.limit + 1,
            ]
        ).rows
        var jobs = try rows.map(Summary.init(row:))
        var next: Int64?
        if jobs.count > filter.limit {
            jobs.removeLast()
            next = jobs.last?.id
        }
        return (jobs, next)
    }

    /// The job types that have jobs, for the list's filter.
    public func jobTypes() async throws -> [String] {
        try await connection.query(
            """
            WITH RECURSIVE t AS (
                (SELECT job_type FROM marketplace_job ORDER BY job_type LIMIT 1)
                UNION ALL
                SELECT (SELECT job_type FROM marketplace_job WHERE job_type > t.job_type ORDER BY job_type LIMIT 1)
                  FROM t WHERE t.job_type IS NOT NULL
            )
            SELECT job_type FROM t WHERE job_type IS NOT NULL
            """
        ).rows.map { try $0.decode(String.self, "job_type") }
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
