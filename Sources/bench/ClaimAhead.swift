import Foundation

/// The claim-ahead setting every `worker run` of this benchmark gets.
struct ClaimAhead {
    /// Extra `worker run` arguments: `--prefetch N`, or nothing.
    let arguments: [String]
    /// For the report: which setting was used and why.
    let description: String
    /// Whether the worker buffers claimed jobs in this run (as far as the bench can tell).
    let isOn: Bool

    /// `requested` is the bench's own `--prefetch`: passed through when given;
    /// otherwise the worker's default applies (and is named).
    static func choose(requested: Int?, capabilities: WorkerCapabilities) throws -> ClaimAhead {
        guard capabilities.prefetch else {
            if requested != nil {
                throw BenchError("--prefetch given, but `worker run --help` lists no --prefetch (claim-ahead not in this worker)")
            }
            return ClaimAhead(
                arguments: [], description: "off: this worker has no `--prefetch` (claim-ahead not merged)", isOn: false)
        }
        if let requested {
            return ClaimAhead(
                arguments: ["--prefetch", "\(requested)"], description: "`--prefetch \(requested)` (given to bench)",
                isOn: requested > 0)
        }
        let value = capabilities.prefetchDefault ?? "?"
        return ClaimAhead(
            arguments: [], description: "the worker's default, `--prefetch \(value)` per `worker run --help`",
            isOn: value != "0")
    }
}
