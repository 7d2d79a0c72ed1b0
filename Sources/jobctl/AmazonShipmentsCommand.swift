import Amazon
import ArgumentParser
import Foundation
import WorkerCLI

/// `jobctl amazon shipments <account> --month YYYY-MM`: the seed's "Upload
/// this month's shipping data". Queues `amazon.confirm_shipment` for the
/// month's shipments that are not confirmed (New, Failure, or a Sending call
/// that never finished); each keeps its saved package reference, so a resend
/// edits the package at Amazon and never doubles it.
struct AmazonShipmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shipments",
        abstract: "Upload a month's shipping data: queue confirmShipment for its unconfirmed shipments.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The Amazon account: id or name.") var account: String
    @Option(help: ArgumentHelp("The month the packages shipped (UTC).", valueName: "YYYY-MM")) var month: String
    @Flag(help: "Queue even though the account is in automatic mode (settings.automatic).") var force = false
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            let queued = try await database.amazon { admin in
                let account = try await admin.account(account)
                try account.requireManualMode(force: force, command: "upload shipping data")
                return try await admin.enqueueShipmentConfirmations(account: account, month: month)
            }
            if json {
                print(try Output.json(queued))
            } else if queued.shipments == 0 {
                print("no unconfirmed shipments shipped in \(queued.month)")
            } else {
                print(
                    "\(queued.shipments) unconfirmed shipment(s) of \(queued.month) queued: jobs "
                        + queued.jobs.map(String.init).joined(separator: ", "))
            }
        }
    }
}
