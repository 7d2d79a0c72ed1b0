import Amazon
import FlyingFox
import Foundation
import JobQueue
import WorkerCLI

extension ConsoleApp {
    /// The job type of the orders sync; should a build leave it out, the
    /// orders button stays disabled and says why.
    static let ordersJobType = OrdersSyncJob.jobType

    static var ordersInstalled: Bool { JobTypes.standard().handler(for: ordersJobType) != nil }

    /// GET /accounts/<id>/amazon: the seed's integration UI (product tab, feeds,
    /// the two buttons, disabled while the Active flag is on).
    func amazonPage(_ account: ConsoleAccount, user: SessionUser, request: ConsoleRequest) async throws -> HTTPResponse {
        let report = try await AmazonAdmin(database: database).status(
            account: account.withoutCredentials, feedLimit: 20, failureLimit: 50)
        let types = report.counts.reduce(into: [String]()) { if !$0.contains($1.syncType) { $0.append($1.syncType) } }
        let counts: [[String: Any]] = types.map { type in
            func n(_ status: String) -> Int {
                report.counts.first { $0.syncType == type && $0.status == status }?.count ?? 0
            }
            return ["type": type, "new": n("New"), "success": n("Success"), "failure": n("Failure")]
        }
        let failure: (AmazonStatusReport.Failure) -> [String: Any] = { failure in
            [
                "sku": failure.sku ?? "\(failure.modelName) \(failure.recordId)", "syncType": failure.syncType,
                "feed": failure.amazonFeedId ?? "-", "at": Display.time(failure.at), "message": failure.message ?? "",
                "needsPerson": failure.needsPerson,
            ]
        }
        let feeds: [[String: Any]] = report.feeds.map { feed in
            [
                "feedId": feed.amazonFeedId ?? "(row \(feed.id))", "status": feed.processingStatus,
                "messages": feed.messageCount, "accepted": feed.summary.map { String($0.messagesAccepted) } ?? "-",
                "invalid": feed.summary.map { String($0.messagesInvalid) } ?? "-",
                "errors": feed.summary.map { String($0.errors) } ?? "-",
                "warnings": feed.summary.map { String($0.warnings) } ?? "-", "created": Display.time(feed.createdAt),
                "note": feed.error ?? "",
            ]
        }
        let orders = try await OrderAdmin(database: database).status(account: account.withoutCredentials, limit: 50)
        let context: [String: Any] = [
            "id": account.id, "name": account.name, "automatic": report.automatic,
            "pendingOperations": report.pendingOperations, "unsent": report.unsent, "counts": counts,
            "failureCount": report.failureCount, "failures": report.failures.map(failure),
            "hasNeedsPerson": !report.needsPerson.isEmpty, "needsPerson": report.needsPerson.map(failure), "feeds": feeds,
            "ordersInstalled": Self.ordersInstalled, "ordersDisabled": report.automatic || !Self.ordersInstalled,
            "orders": Self.orderTab(orders),
        ]
        return page("amazon", title: "Amazon: \(account.name)", context, user: user, request: request)
    }

    /// POST /accounts/<id>/amazon/(sync-products|sync-orders): refused while the
    /// account is automatic, as `jobctl amazon sync-products` refuses without --force.
    func amazonAction(_ action: String, account: ConsoleAccount, user: SessionUser) async throws -> HTTPResponse {
        try require(.operator, user, to: "synchronizing")
        if account.isAutomatic {
            throw ConsoleError.conflict(
                "account \(account.id) (\(account.name)) is in automatic mode: its schedule runs the syncs; turn the Active flag off to synchronize by hand"
            )
        }
        switch action {
        case "sync-products":
            let id = try await AmazonAdmin(database: database).enqueueCatalogSync(account: account.withoutCredentials)
            try await audit.record(login: user.login, action: "sync-products", jobID: id, accountID: account.id)
            return ConsoleResponse.redirect("/jobs/\(id)?done=enqueued")
        case "sync-orders":
            guard Self.ordersInstalled else {
                throw ConsoleError.conflict(
                    "the orders sync is not installed: no worker in this build runs \(Self.ordersJobType)")
            }
            // The same run as `jobctl amazon orders --all`: never moves the automatic watermark.
            let id = try await OrderAdmin(database: database).enqueueAllOrdersSync(account: account.withoutCredentials)
            try await audit.record(login: user.login, action: "sync-orders", jobID: id, accountID: account.id)
            return ConsoleResponse.redirect("/jobs/\(id)?done=enqueued")
        default: throw ConsoleError.notFound("no Amazon action '\(action.prefix(40))'")
        }
    }

    /// The order tab's template context, from the report `jobctl amazon status` prints.
    static func orderTab(_ report: OrdersStatusReport) -> [String: Any] {
        [
            "counts": report.counts.map { ["status": $0.status, "count": $0.count] as [String: Any] },
            "hasOrders": !report.counts.isEmpty,
            "unacknowledged": report.unacknowledged, "acknowledgementFailures": report.acknowledgementFailures,
            "unshippedPastShipBy": report.unshippedPastShipBy, "waitingForERP": report.waitingForERP,
            "failedShipments": report.failedShipments, "refundsNeedingPerson": report.refundsNeedingPerson,
            "downloads": report.downloads.map { download -> [String: Any] in
                [
                    "marketplace": download.marketplaceId,
                    "watermark": download.watermark == nil ? "never" : Display.time(download.watermark),
                    "inProgress": download.inProgress, "pages": download.pages, "orders": download.ordersSeen,
                ]
            },
            "attention": report.attention.map { order -> [String: Any] in
                [
                    "order": order.amazonOrderId, "status": order.status, "reason": order.reason,
                    "message": order.message ?? "",
                ]
            },
            "hasAttention": !report.attention.isEmpty,
        ]
    }
}
