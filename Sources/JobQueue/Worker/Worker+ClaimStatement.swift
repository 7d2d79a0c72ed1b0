extension Worker {
    /// The claim statement every worker runs, exactly: `$1` the most jobs to
    /// claim, `$2` the worker id, `$3` the `--types` list (a text[] literal,
    /// or NULL for all), `$4` the lease in seconds. Public so that the
    /// benchmark times the real statement rather than a copy of it.
    public static var claimSQL: String { JobStore.claimSQL }
}
