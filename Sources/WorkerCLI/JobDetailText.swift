import Foundation
import JobQueue

/// What `jobctl show` prints about one job, and the console's job page shows
/// as is: one renderer, so the two never disagree. The result is described by
/// its job type's handler (`describe(result:)`), as the worker registers it.
public enum JobDetailText {
    /// The whole text; `now` makes "in 5m" relative times testable.
    public static func render(_ job: JobAdmin.Detail, now: Date = Date()) -> String {
        let s = job.summary
        var lines: [String] = []
        lines.append("job \(s.id)" + (s.name.map { " (\($0))" } ?? ""))
        var fields: [(String, String)] = [
            ("type", s.jobType),
            ("state", s.state),
            ("account", s.accountID.map { "\($0)" + (job.accountName.map { " (\($0))" } ?? "") } ?? "-"),
            ("attempts", "\(s.attempts) of \(s.maxAttempts)"),
            ("priority", "\(s.priority)"),
            ("created", Output.timestamp(s.createdAt)),
        ]
        if s.state == "pending" {
            fields.append(("next run", "\(Output.timestamp(s.nextRunAt)) (\(Output.relative(s.nextRunAt, now: now)))"))
        }
        if let started = job.startedAt { fields.append(("started", Output.timestamp(started))) }
        if let finished = s.finishedAt { fields.append(("finished", Output.timestamp(finished))) }
        if s.state == "running" {
            fields.append(("worker", s.lockedBy ?? "-"))
            fields.append(("lease until", Output.timestamp(job.lockedUntil)))
        }
        if let progress = s.progress { fields.append(("progress", progress.text)) }
        if let key = job.uniqueKey { fields.append(("unique key", key)) }
        let width = fields.map(\.0.count).max() ?? 0
        for (label, value) in fields {
            lines.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }

        lines.append("payload:")
        let payload =
            job.payload.count > 4000
            ? String(job.payload.prefix(4000)) + "… (\(job.payload.utf8.count) bytes)" : Output.prettyJSON(job.payload)
        lines.append(Self.indent(payload))
        if let result = job.result {
            lines.append("result:")
            let described = JobTypes.standard().handler(for: s.jobType)?.describe(result: Data(result.utf8))
            lines.append(Self.indent(described ?? Output.prettyJSON(result)))
        }
        if let error = s.error { lines.append("error:\n" + Self.indent(error)) }
        if !job.errors.isEmpty {
            lines.append("history:")
            lines.append(
                Self.indent(
                    Output.table(
                        ["AT", "ATTEMPT", "KIND", "ERROR"],
                        job.errors.map {
                            [$0.at, String($0.attempt), $0.kind ?? "", $0.error]
                        }, maxWidth: 100)))
        }
        return lines.joined(separator: "\n")
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
