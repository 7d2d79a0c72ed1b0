import FlyingFox
import Foundation
import JobQueue

extension ConsoleApp {
    static let states = JobState.allCases.map(\.rawValue)

    /// GET /: counts by type × state, the chart, the oldest due job, workers,
    /// unread notifications.
    func overviewPage(user: SessionUser) async throws -> HTTPResponse {
        let stats = try await database.withConnection { try await JobAdmin(connection: $0).stats() }
        let types = stats.counts.reduce(into: [String]()) { if !$0.contains($1.jobType) { $0.append($1.jobType) } }
        let counts: [[String: Any]] = types.map { type in
            let cells: [[String: Any]] = Self.states.map { state in
                let n = stats.counts.first { $0.jobType == type && $0.state == state }?.count ?? 0
                var cell: [String: Any] = ["n": n]
                if n > 0 { cell["link"] = "/jobs?type=\(Self.queryEscaped(type))&state=\(state)" }
                return cell
            }
            return ["type": type, "cells": cells]
        }
        let minutes = try await overview.throughput()
        let workers = try await overview.workers()
        let depth = try await overview.depth()
        let unread = try await overview.unreadNotifications()
        var context: [String: Any] = [
            "states": Self.states, "counts": counts, "chart": ThroughputChart.svg(minutes),
            "depth": ["due": depth.due, "running": depth.running], "unread": unread,
            "hasWorkers": !workers.isEmpty,
            "workers": workers.map { ["id": $0.id, "running": $0.running, "lastSeen": Display.time($0.lastSeen)] },
        ]
        if let oldest = try await overview.oldestDue() {
            context["oldest"] = [
                "id": oldest.id, "jobType": oldest.jobType,
                "due": "\(Display.time(oldest.due)) (\(Display.relative(oldest.due)))",
            ]
        }
        return page("overview", title: "Overview", context, user: user)
    }

    /// GET /live: the queue depth, for the overview's short polling.
    func liveDepth() async throws -> HTTPResponse {
        let depth = try await overview.depth()
        return ConsoleResponse.json(["due": depth.due, "running": depth.running])
    }

    static func queryEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
