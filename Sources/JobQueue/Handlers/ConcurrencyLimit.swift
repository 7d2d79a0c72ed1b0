/// How many jobs of one type may run at once, per account or in total. The
/// database enforces it for every worker on every machine (migration 0009):
/// the worker writes it into `marketplace_job_type_limit` at start, and the
/// claim skips jobs whose key has no free slot. A claimed-ahead job waiting
/// in a worker's buffer holds its slot, as a running one does.
public struct ConcurrencyLimit: Sendable, Equatable {
    /// The most jobs of one key claimed at once (≥ 1).
    public let maxRunning: Int
    /// One key per account (`<job_type>:<account_id>`), or one for the whole type (`<job_type>`).
    public let perAccount: Bool

    /// At most `maxRunning` jobs of the type per account.
    public static func perAccount(_ maxRunning: Int) -> ConcurrencyLimit {
        ConcurrencyLimit(maxRunning: maxRunning, perAccount: true)
    }

    /// At most `maxRunning` jobs of the type in total.
    public static func global(_ maxRunning: Int) -> ConcurrencyLimit {
        ConcurrencyLimit(maxRunning: maxRunning, perAccount: false)
    }

    private init(maxRunning: Int, perAccount: Bool) {
        precondition(maxRunning >= 1, "a concurrency limit must allow at least one running job")
        self.maxRunning = maxRunning
        self.perAccount = perAccount
    }
}

extension ConcurrencyLimit: CustomStringConvertible {
    /// `1/account` or `4/all`, for logs.
    public var description: String { "\(maxRunning)/\(perAccount ? "account" : "all")" }
}
