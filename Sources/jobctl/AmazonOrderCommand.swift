import Amazon
import ArgumentParser
import Foundation
import WorkerCLI

/// `jobctl amazon order`: one downloaded order, Amazon's ids next to the ERP's.
struct AmazonOrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "One order: status, ERP ids, acknowledgement, items, shipments and refunds (never the buyer's address).")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Amazon's order id, e.g. 902-0000001-0000001.") var amazonOrderId: String
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        try await CommandErrors.guarded {
            let report = try await database.withPool { try await OrderAdmin(database: $0).order(amazonOrderId) }
            print(json ? try Output.json(report) : Self.render(report))
        }
    }

    static func render(_ order: OrderReport) -> String {
        var lines = [
            "order \(order.amazonOrderId) (account \(order.accountId), \(order.marketplaceId)): \(order.fulfillmentStatus)",
            "  updated      \(Output.timestamp(order.lastUpdatedTime))",
            "  ship by      \(Output.timestamp(order.shipByLatest))",
            "  total        \(order.grandTotal.map { "\($0)" } ?? "-") \(order.currency ?? "")",
            "  ERP order    \(order.erpOrderId ?? "-") (merchant order id \(order.merchantOrderId ?? "-"))",
            "  ERP action   \(order.erpAction ?? "none")",
            "  ack          \(order.ackStatus)\(order.ackFeedId.map { " (feed \($0))" } ?? "")\(order.ackMessage.map { ": \($0)" } ?? "")",
        ]
        // Failure is the one sync status a person acts on (the ERP's progress is its action).
        if order.syncStatus == "Failure" { lines.append("  NEEDS A PERSON: \(order.syncMessage ?? "see the order's status")") }
        if let reason = order.cancelReason { lines.append("  cancel       \(reason)") }
        lines.append("")
        lines.append(
            Output.table(
                ["ITEM", "SKU", "ORDERED", "SHIPPED", "UNIT PRICE", "ERP LINE", "MERCHANT ITEM", "BUYER CANCEL"],
                order.items.map {
                    [
                        $0.orderItemId, $0.sellerSku ?? "-", String($0.quantityOrdered), String($0.quantityFulfilled),
                        $0.unitPrice.map { "\($0)" } ?? "-", $0.erpOrderLineId ?? "-", $0.merchantOrderItemId ?? "-",
                        $0.buyerCancelRequested ? "requested" : "",
                    ]
                }))
        if !order.shipments.isEmpty {
            lines.append("")
            lines.append(
                Output.table(
                    ["PICKING", "PACKAGE", "TRACKING", "STATUS", "MESSAGE"],
                    order.shipments.map {
                        [
                            $0.erpPickingId, $0.packageReferenceId.map(String.init) ?? "-", $0.trackingNumber, $0.status,
                            $0.message ?? "",
                        ]
                    }))
        }
        if !order.adjustments.isEmpty {
            lines.append("")
            lines.append(
                Output.table(
                    ["REFUND", "STATUS", "FEED", "MESSAGE"],
                    order.adjustments.map { [$0.erpRefundId, $0.status, $0.feedId.map(String.init) ?? "-", $0.message ?? ""] }))
        }
        return lines.joined(separator: "\n")
    }
}
