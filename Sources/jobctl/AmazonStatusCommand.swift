import Amazon
import ArgumentParser
import Foundation
import WorkerCLI

/// `jobctl amazon status`: the seed's product tab.
struct AmazonStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The product tab: sync rows by type and status, the latest feeds, failures, failed deletes that need a person.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The Amazon account: id or name.") var account: String
    @Option(help: ArgumentHelp("How many of the latest feeds to show.", valueName: "n")) var feeds = 10
    @Option(help: ArgumentHelp("How many failures to show (newest first).", valueName: "n")) var limit = 20
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            guard feeds >= 0, feeds <= 1000 else { throw JobctlError.badInput("--feeds must be between 0 and 1000") }
            guard limit >= 0, limit <= 10_000 else { throw JobctlError.badInput("--limit must be between 0 and 10000") }
            let (report, orders) = try await database.withPool { pool in
                let admin = AmazonAdmin(database: pool)
                let account = try await admin.account(account)
                let report = try await admin.status(account: account, feedLimit: feeds, failureLimit: limit)
                return (report, try await OrderAdmin(database: pool).status(account: account, limit: limit))
            }
            if json {
                print(try Output.json(StatusOutput(report: report, orders: orders)))
            } else {
                print(Self.render(report) + "\n\n" + Self.render(orders))
            }
        }
    }

    static func render(_ report: AmazonStatusReport) -> String {
        var lines = [
            "account \(report.accountId) (\(report.accountName)), \(report.automatic ? "automatic" : "manual") mode",
            "operations waiting for a sync: \(report.pendingOperations); New rows not yet in a feed: \(report.unsent)",
            "",
        ]
        let types = report.counts.reduce(into: [String]()) { if !$0.contains($1.syncType) { $0.append($1.syncType) } }
        if types.isEmpty {
            lines.append("no sync rows yet")
        } else {
            let statuses = ["New", "Success", "Failure"]
            var rows = types.map { type in
                [type]
                    + statuses.map { status in
                        String(report.counts.first { $0.syncType == type && $0.status == status }?.count ?? 0)
                    }
            }
            rows.append(
                ["total"]
                    + statuses.map { status in
                        String(report.counts.filter { $0.status == status }.reduce(0) { $0 + $1.count })
                    })
            lines.append(Output.table(["SYNC TYPE", "NEW", "SUCCESS", "FAILURE"], rows))
        }
        lines.append("")
        if report.feeds.isEmpty {
            lines.append("no feeds yet")
        } else {
            lines.append("latest feeds:")
            lines.append(
                Output.table(
                    ["FEED ID", "STATUS", "MESSAGES", "ACCEPTED", "INVALID", "ERRORS", "WARNINGS", "CREATED", "NOTE"],
                    report.feeds.map { feed in
                        [
                            feed.amazonFeedId ?? "(row \(feed.id))", feed.processingStatus, String(feed.messageCount),
                            feed.summary.map { String($0.messagesAccepted) } ?? "-",
                            feed.summary.map { String($0.messagesInvalid) } ?? "-",
                            feed.summary.map { String($0.errors) } ?? "-", feed.summary.map { String($0.warnings) } ?? "-",
                            Output.timestamp(feed.createdAt), feed.error ?? "",
                        ]
                    }))
        }
        lines.append("")
        if report.failureCount == 0 {
            lines.append("no failures")
        } else {
            lines.append("failures (\(report.failures.count) of \(report.failureCount), newest first):")
            lines.append(Output.table(["SKU", "TYPE", "FEED", "AT", "MESSAGE"], report.failures.map(failureRow), maxWidth: 100))
        }
        if !report.needsPerson.isEmpty {
            lines.append("")
            lines.append("NEEDS A PERSON: failed deletes are tried once only; remove these listings by hand in Seller Central:")
            lines.append(
                Output.table(["SKU", "TYPE", "FEED", "AT", "MESSAGE"], report.needsPerson.map(failureRow), maxWidth: 100))
        }
        return lines.joined(separator: "\n")
    }

    /// `--json`: the product tab's fields as before, and the order tab under `orders`.
    struct StatusOutput: Encodable {
        var report: AmazonStatusReport
        var orders: OrdersStatusReport
        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(orders, forKey: Key(stringValue: "orders")!)
        }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    /// The order tab.
    static func render(_ orders: OrdersStatusReport) -> String {
        var lines = ["orders:"]
        if orders.counts.isEmpty {
            lines.append("  no orders downloaded yet")
        } else {
            lines.append(
                Output.table(
                    orders.counts.map(\.status) + ["TOTAL"],
                    [orders.counts.map { String($0.count) } + [String(orders.counts.reduce(0) { $0 + $1.count })]]))
        }
        lines.append(
            "unacknowledged: \(orders.unacknowledged); acknowledgement failures: \(orders.acknowledgementFailures); "
                + "unshipped past ship-by: \(orders.unshippedPastShipBy); waiting for the ERP: \(orders.waitingForERP)")
        lines.append(
            "failed shipments: \(orders.failedShipments); refunds needing a person: \(orders.refundsNeedingPerson)")
        for download in orders.downloads {
            lines.append(
                "download \(download.marketplaceId): watermark \(Output.timestamp(download.watermark))"
                    + (download.inProgress
                        ? ", in progress (\(download.pages) page(s), \(download.ordersSeen) order(s) so far)" : ""))
        }
        if !orders.attention.isEmpty {
            lines.append("")
            lines.append("NEEDS A PERSON:")
            lines.append(
                Output.table(
                    ["ORDER", "STATUS", "WHY", "MESSAGE"],
                    orders.attention.map { [$0.amazonOrderId, $0.status, $0.reason, $0.message ?? ""] },
                    maxWidth: 100))
        }
        return lines.joined(separator: "\n")
    }

    static func failureRow(_ failure: AmazonStatusReport.Failure) -> [String] {
        [
            (failure.sku ?? "\(failure.modelName) \(failure.recordId)") + (failure.needsPerson ? " (needs a person)" : ""),
            failure.syncType, failure.amazonFeedId ?? "-", Output.timestamp(failure.at), failure.message ?? "",
        ]
    }
}
