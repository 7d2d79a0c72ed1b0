import Amazon
import ArgumentParser
import Foundation
import WorkerCLI

/// `jobctl amazon settlements <account>`: the imported settlements (period,
/// deposit, total, lines) and the reports the import refused, with why.
struct AmazonSettlementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settlements",
        abstract: "Imported settlements (newest first) and refused settlement reports.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The Amazon account: id or name.") var account: String
    @Option(help: ArgumentHelp("How many settlements to show.", valueName: "n")) var limit = 20
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            guard limit >= 0, limit <= 10_000 else { throw JobctlError.badInput("--limit must be between 0 and 10000") }
            let list = try await database.amazon { admin in
                try await admin.settlements(account: try await admin.account(account), limit: limit)
            }
            print(json ? try Output.json(list) : Self.render(list))
        }
    }

    static func render(_ list: AmazonAdmin.SettlementList) -> String {
        var lines = ["account \(list.accountId) (\(list.accountName))", ""]
        if list.settlements.isEmpty {
            lines.append("no settlements imported yet")
        } else {
            lines.append(
                Output.table(
                    ["SETTLEMENT", "REPORT", "START", "END", "DEPOSIT", "TOTAL", "LINES", "IMPORTED"],
                    list.settlements.map { settlement in
                        [
                            settlement.settlementId, settlement.reportId, Output.timestamp(settlement.start),
                            Output.timestamp(settlement.end), Output.timestamp(settlement.depositDate),
                            settlement.totalAmount + (settlement.currency.map { " \($0)" } ?? ""), String(settlement.lines),
                            Output.timestamp(settlement.importedAt),
                        ]
                    }))
        }
        if !list.refusals.isEmpty {
            lines.append("")
            lines.append("REFUSED REPORTS (skipped by later runs; delete the amazon_settlement_refusal row to try again):")
            lines.append(
                Output.table(
                    ["REPORT", "SETTLEMENT", "AT", "WHY"],
                    list.refusals.map { [$0.reportId, $0.settlementId ?? "-", Output.timestamp($0.refusedAt), $0.message] },
                    maxWidth: 120))
        }
        return lines.joined(separator: "\n")
    }
}
