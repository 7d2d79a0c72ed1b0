import Amazon
import ArgumentParser
import Foundation
import WorkerCLI

/// `jobctl amazon feed`: one feed and what Amazon said about its messages.
struct AmazonFeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed", abstract: "One feed: its status, document ids, summary, timestamps, and its issues.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Amazon's feedId (as jobctl amazon status lists it).") var feedId: String
    @Flag(help: "Take the argument as the local amazon_feed.id (for a feed Amazon never accepted).") var local = false
    @Option(help: ArgumentHelp("How many Failure rows of the feed to show.", valueName: "n")) var limit = 100
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            guard limit >= 0, limit <= 25_000 else { throw JobctlError.badInput("--limit must be between 0 and 25000") }
            let report = try await database.amazon { admin in
                try await admin.feed(feedId, localID: local, failedRowLimit: limit)
            }
            print(json ? try Output.json(report) : Self.render(report))
        }
    }

    static func render(_ report: AmazonFeedReport) -> String {
        let feed = report.feed
        var lines = [
            "feed \(feed.amazonFeedId ?? "(not accepted by Amazon)") (row \(feed.id), account \(report.accountId)): \(feed.processingStatus)",
            "  messages     \(feed.messageCount)",
            "  document     \(report.feedDocumentId ?? "-")",
            "  report doc   \(report.resultDocumentId ?? "-")",
            "  created      \(Output.timestamp(feed.createdAt))",
            "  submitted    \(Output.timestamp(feed.submittedAt))",
            "  finished     \(Output.timestamp(feed.finishedAt))",
            "  polls        \(report.polls)",
        ]
        if let summary = feed.summary {
            lines.append(
                "  summary      \(summary.messagesProcessed) processed, \(summary.messagesAccepted) accepted, \(summary.messagesInvalid) invalid, \(summary.errors) error(s), \(summary.warnings) warning(s)"
            )
        }
        let counts = ["New", "Success", "Failure"].compactMap { status in report.rowCounts[status].map { "\(status) \($0)" } }
        lines.append("  rows         " + (counts.isEmpty ? "none (taken by newer changes)" : counts.joined(separator: ", ")))
        if let error = feed.error { lines.append("  error        \(error)") }
        if let reportError = report.reportError {
            lines.append("  report       kept, but unreadable: \(reportError) (raw bytes in amazon_feed.report)")
        } else if !report.reportKept {
            lines.append("  report       none kept")
        }
        lines.append("")
        if report.issues.isEmpty {
            lines.append(report.reportKept && report.reportError == nil ? "no issues in the report" : "no report issues")
        } else {
            lines.append("issues:")
            lines.append(
                Output.table(
                    ["MSG", "SKU", "TYPE", "ROW", "SEVERITY", "CODE", "MESSAGE"],
                    report.issues.map {
                        [
                            $0.messageId.map(String.init) ?? "-", $0.sku ?? "-", $0.syncType ?? "-", $0.status ?? "-",
                            $0.severity,
                            $0.code ?? "", ($0.attributeName.map { "[\($0)] " } ?? "") + $0.message,
                        ]
                    }, maxWidth: 100))
        }
        if !report.failedRows.isEmpty {
            lines.append("")
            lines.append("failed rows:")
            lines.append(
                Output.table(
                    ["MSG", "SKU", "TYPE", "STATUS", "MESSAGE"],
                    report.failedRows.map { [String($0.messageId), $0.sku, $0.syncType, $0.status, $0.message ?? ""] },
                    maxWidth: 100))
        }
        return lines.joined(separator: "\n")
    }
}
