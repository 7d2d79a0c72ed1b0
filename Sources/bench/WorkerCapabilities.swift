import Foundation

/// What the `worker` binary under test offers, read from `worker run --help`.
///
/// The benchmark runs against whichever engine is built: claim-ahead
/// (`--prefetch`) and metrics (`--metrics-port`) arrive from other branches,
/// so the bench asks the binary instead of assuming, and says in the report
/// which setting it used.
struct WorkerCapabilities {
    /// `worker run --help` lists `--prefetch`.
    let prefetch: Bool
    /// The `(default: …)` the help gives for `--prefetch`, if any.
    let prefetchDefault: String?
    /// `worker run --help` lists `--metrics-port`.
    let metricsPort: Bool

    static func probe(worker: URL) throws -> WorkerCapabilities {
        let process = Process()
        process.executableURL = worker
        process.arguments = ["run", "--help"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return parse(help: text)
    }

    /// Options are lines indented by exactly two spaces (`  --name`, `  -h, --help`);
    /// an option's text runs until the next such line (ArgumentParser wraps
    /// long help onto deeper-indented lines, which may themselves mention an
    /// option, so indentation, not a leading `--`, marks a new option).
    static func parse(help: String) -> WorkerCapabilities {
        var blocks: [String: String] = [:]
        var current: String?
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop(while: { $0 == " " })
            if line.hasPrefix("  -"), !line.hasPrefix("   ") {
                let flag = trimmed.split(separator: " ").first { $0.hasPrefix("--") }.map(String.init) ?? ""
                current = flag.split(separator: "=").first.map(String.init)
            } else if !line.hasPrefix("   ") {
                current = nil  // a heading or blank line ends the option
            }
            if let current { blocks[current, default: ""] += " " + trimmed }
        }
        let prefetchText = blocks["--prefetch"]?.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let prefetchDefault = prefetchText.flatMap { text -> String? in
            guard let range = text.range(of: "(default: ") else { return nil }
            return String(text[range.upperBound...].prefix { $0 != ")" })
        }
        return WorkerCapabilities(
            prefetch: blocks["--prefetch"] != nil, prefetchDefault: prefetchDefault,
            metricsPort: blocks["--metrics-port"] != nil)
    }
}
