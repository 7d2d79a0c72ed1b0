import FlyingFox
import Foundation
import JobQueue
import WorkerCLI

extension ConsoleApp {
    /// /jobs, /jobs/<id>, /jobs/<id>/live and the job actions.
    func jobsRoute(_ request: ConsoleRequest, user: SessionUser, get: Bool) async throws -> HTTPResponse {
        let s = request.segments
        switch (get, s.count) {
        case (true, 1): return try await jobsPage(request, user: user)
        case (false, 2) where s[1] == "retry-failed": return try await retryFailed(request, user: user)
        case (true, 2): return try await jobPage(try request.id(s[1], what: "the job id"), user: user, request: request)
        case (true, 3) where s[2] == "live": return try await liveJob(try request.id(s[1], what: "the job id"))
        case (false, 3): return try await jobAction(s[2], id: try request.id(s[1], what: "the job id"), user: user)
        default:
            if !get && s.count <= 2 { throw ConsoleError.methodNotAllowed("this page is read with GET") }
            throw ConsoleError.notFound("no page at /\(s.joined(separator: "/"))")
        }
    }

    /// GET /jobs: filtered by state, type, account and a search, keyset-paginated (`before`).
    func jobsPage(_ request: ConsoleRequest, user: SessionUser) async throws -> HTTPResponse {
        var filter = JobAdmin.PageFilter()
        if let text = request.query["state"], !text.isEmpty {
            guard let state = JobState(rawValue: text) else {
                throw ConsoleError.badRequest("unknown state '\(text.prefix(40))': one of \(Self.states.joined(separator: ", "))")
            }
            filter.state = state
        }
        if let type = request.query["type"], !type.isEmpty { filter.jobType = String(type.prefix(200)) }
        if let account = request.query["account"], !account.isEmpty {
            filter.accountID = try request.id(account, what: "account")
        }
        if let q = request.query["q"], !q.isEmpty { filter.search = String(q.prefix(200)) }
        if let before = request.query["before"], !before.isEmpty { filter.beforeID = try request.id(before, what: "before") }
        let (jobs, next, types) = try await database.withConnection { connection in
            let admin = JobAdmin(connection: connection)
            let page = try await admin.page(filter)
            return (page.jobs, page.nextBeforeID, try await admin.jobTypes())
        }
        let accountList = try await accounts.list()
        var context: [String: Any] = [
            "jobs": jobs.map(Self.row), "q": filter.search ?? "",
            "stateOptions": Self.states.map { ["name": $0, "selected": $0 == filter.state?.rawValue] },
            "typeOptions": types.map { ["name": $0, "selected": $0 == filter.jobType] },
            "accountOptions": accountList.map {
                ["id": $0.id, "name": "\($0.id) \($0.name)", "selected": $0.id == filter.accountID]
            },
        ]
        if let type = filter.jobType, filter.state == .failed { context["type"] = type }
        if let next {
            var items = ["before=\(next)"]
            if let state = filter.state { items.append("state=\(state.rawValue)") }
            if let type = filter.jobType { items.append("type=\(Self.queryEscaped(type))") }
            if let account = filter.accountID { items.append("account=\(account)") }
            if let q = filter.search { items.append("q=\(Self.queryEscaped(q))") }
            context["next"] = "/jobs?" + items.joined(separator: "&")
        }
        return page("jobs", title: "Jobs", context, user: user, request: request)
    }

    static func row(_ job: JobAdmin.Summary) -> [String: Any] {
        var row: [String: Any] = [
            "id": job.id, "jobType": job.jobType, "state": job.state, "attempts": job.attempts,
            "maxAttempts": job.maxAttempts, "createdAt": Display.time(job.createdAt),
        ]
        row["accountID"] = job.accountID.map { String($0) } ?? ""
        row["name"] = job.name ?? ""
        row["error"] = job.error ?? ""
        return row
    }

    /// GET /jobs/<id>: the `jobctl show` text, error history, live progress, actions and their audit.
    func jobPage(_ id: Int64, user: SessionUser, request: ConsoleRequest) async throws -> HTTPResponse {
        let job = try await database.withConnection { try await JobAdmin(connection: $0).job(id: id) }
        let audit = try await audit.entries(jobID: id)
        let state = job.summary.state
        let context: [String: Any] = [
            "id": id, "state": state, "progress": job.summary.progress?.text ?? "-",
            "text": JobDetailText.render(job),
            "canRunNow": state == "pending" || state == "failed" || state == "cancelled",
            "canRetry": state == "failed", "canCancel": state == "pending" || state == "running",
            "hasHistory": !job.errors.isEmpty,
            "history": job.errors.map { ["at": $0.at, "attempt": $0.attempt, "kind": $0.kind ?? "", "error": $0.error] },
            "hasAudit": !audit.isEmpty, "audit": audit.map(Self.auditRow),
        ]
        return page("job", title: "Job \(id)", context, user: user, request: request)
    }

    static func auditRow(_ entry: AuditStore.Entry) -> [String: Any] {
        ["at": Display.time(entry.at), "login": entry.login, "action": entry.action, "detail": entry.detail ?? ""]
    }

    /// GET /jobs/<id>/live: state and progress, for the job page's polling.
    func liveJob(_ id: Int64) async throws -> HTTPResponse {
        let job = try await database.withConnection { try await JobAdmin(connection: $0).job(id: id) }
        return ConsoleResponse.json(["state": job.summary.state, "progress": job.summary.progress?.text ?? "-"])
    }

    /// POST /jobs/<id>/(run-now|retry|cancel|set-done), recorded in the audit trail.
    func jobAction(_ action: String, id: Int64, user: SessionUser) async throws -> HTTPResponse {
        try require(.operator, user, to: "acting on a job")
        try await database.withConnection { connection in
            let admin = JobAdmin(connection: connection)
            switch action {
            case "run-now": try await admin.runNow(id: id)
            case "retry": try await admin.retry(id: id)
            case "cancel": try await admin.cancel(id: id)
            case "set-done": try await admin.setDone(id: id, by: user.login)
            default: throw ConsoleError.notFound("no job action '\(action.prefix(40))'")
            }
        }
        try await audit.record(login: user.login, action: action, jobID: id)
        return ConsoleResponse.redirect("/jobs/\(id)?done=\(action)")
    }

    /// POST /jobs/retry-failed with `type`: every failed job of the type goes back to pending.
    func retryFailed(_ request: ConsoleRequest, user: SessionUser) async throws -> HTTPResponse {
        try require(.operator, user, to: "retrying failed jobs")
        guard let type = request.form["type"], !type.isEmpty, type.count <= 200 else {
            throw ConsoleError.badRequest("give the job type whose failed jobs to retry (field 'type')")
        }
        let count = try await database.withConnection { try await JobAdmin(connection: $0).retryAllFailed(jobType: type) }
        try await audit.record(login: user.login, action: "retry-failed", detail: "\(count) failed \(type) job(s)")
        return ConsoleResponse.redirect("/jobs?type=\(Self.queryEscaped(type))&done=retry-failed")
    }
}
