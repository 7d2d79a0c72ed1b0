import FlyingFox
import Foundation
import JobQueue

extension ConsoleApp {
    /// /notifications: the integration group's inbox, acknowledge and acknowledge all.
    func notificationsRoute(_ request: ConsoleRequest, user: SessionUser, get: Bool) async throws -> HTTPResponse {
        guard user.integration else {
            throw ConsoleError.forbidden("notifications are for the integration group; ask an admin to add you to it")
        }
        let s = request.segments
        let canAck = user.role >= .operator
        switch (get, s.count) {
        case (true, 1):
            let list = try await database.withConnection {
                try await NotificationAdmin(connection: $0).list(unreadOnly: false, limit: 200)
            }
            let rows: [[String: Any]] = list.map { n in
                var row: [String: Any] = [
                    "id": n.id, "createdAt": Display.time(n.createdAt), "severity": n.severity, "message": n.message,
                    "account": n.accountName ?? n.accountID.map(String.init) ?? "",
                ]
                row["jobID"] = n.jobID
                row["acknowledgedBy"] = n.acknowledgedBy.map { "\($0) at \(Display.time(n.acknowledgedAt))" }
                return row
            }
            return page(
                "notifications", title: "Notifications", ["notifications": rows, "canAck": canAck], user: user, request: request)
        case (false, 2) where s[1] == "ack-all":
            try require(.operator, user, to: "acknowledging")
            let count = try await database.withConnection {
                try await NotificationAdmin(connection: $0).acknowledgeAll(by: user.login)
            }
            try await audit.record(login: user.login, action: "ack-all", detail: "\(count) notification(s)")
            return ConsoleResponse.redirect("/notifications?done=ack")
        case (false, 3) where s[2] == "ack":
            try require(.operator, user, to: "acknowledging")
            let id = try request.id(s[1], what: "the notification id")
            try await database.withConnection { try await NotificationAdmin(connection: $0).acknowledge(id: id, by: user.login) }
            try await audit.record(login: user.login, action: "ack", detail: "notification \(id)")
            return ConsoleResponse.redirect("/notifications?done=ack")
        default: throw ConsoleError.notFound("no page at /\(s.joined(separator: "/"))")
        }
    }

    /// /schedules: interval, next run, last job; enable and disable.
    func schedulesRoute(_ request: ConsoleRequest, user: SessionUser, get: Bool) async throws -> HTTPResponse {
        let s = request.segments
        switch (get, s.count) {
        case (true, 1):
            let list = try await database.withConnection { try await ScheduleAdmin(connection: $0).list() }
            let rows: [[String: Any]] = list.map { schedule in
                var row: [String: Any] = [
                    "id": schedule.id, "account": schedule.accountName ?? schedule.accountID.map(String.init) ?? "system",
                    "jobType": schedule.jobType, "interval": Display.duration(schedule.intervalSeconds),
                    "nextRun": "\(Display.time(schedule.nextRunAt)) (\(Display.relative(schedule.nextRunAt)))",
                    "status": schedule.active ? "active" : (schedule.inactiveReason ?? "inactive"),
                    "toggle": schedule.enabled ? "disable" : "enable",
                    "toggleLabel": schedule.enabled ? "Disable" : "Enable",
                ]
                row["lastJobID"] = schedule.lastJobID
                row["lastJobState"] = schedule.lastJobState ?? ""
                return row
            }
            return page("schedules", title: "Schedules", ["schedules": rows], user: user, request: request)
        case (false, 3) where s[2] == "enable" || s[2] == "disable":
            try require(.operator, user, to: "changing a schedule")
            let id = try request.id(s[1], what: "the schedule id")
            let schedule = try await database.withConnection {
                try await ScheduleAdmin(connection: $0).update(id: id, ScheduleAdmin.Change(enabled: s[2] == "enable"))
            }
            try await audit.record(
                login: user.login, action: "schedule-\(s[2])", accountID: schedule.accountID, detail: "schedule \(id)")
            return ConsoleResponse.redirect("/schedules?done=schedule")
        default: throw ConsoleError.notFound("no page at /\(s.joined(separator: "/"))")
        }
    }
}
