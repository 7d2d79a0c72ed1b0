import FlyingFox
import Foundation
import JobQueue
import WorkerCLI
import Zortout

extension ConsoleApp {
    /// /accounts, /accounts/<id>, its settings and actions, and /accounts/<id>/amazon.
    func accountsRoute(_ request: ConsoleRequest, user: SessionUser, get: Bool) async throws -> HTTPResponse {
        let s = request.segments
        if s.count == 1 {
            guard get else { throw ConsoleError.methodNotAllowed("the account list is read with GET") }
            return try await accountsPage(user: user)
        }
        let account = try await accounts.account(id: try request.id(s[1], what: "the account id"))
        let rest = s.dropFirst(2).joined(separator: "/")
        let last = s.count == 4 ? s[3] : ""
        switch (get, rest) {
        case (true, ""): return try await accountPage(account, user: user, request: request)
        case (false, "settings"): return try await saveSettings(account, request: request, user: user)
        case (false, "test-connection"):
            guard let form = AccountForm.of(account.marketplace) else {
                throw ConsoleError.notFound("\(account.marketplace) accounts have no connection test")
            }
            return try await enqueueAction(account, user: user, jobType: form.testJobType, payload: "{}", name: "Test connection")
        case (false, "zortout/" + last) where account.marketplace == "zortout" && !last.isEmpty:
            return try await zortoutAction(last, account: account, request: request, user: user)
        case (true, "amazon") where account.marketplace == "amazon":
            return try await amazonPage(account, user: user, request: request)
        case (false, "amazon/" + last) where account.marketplace == "amazon" && !last.isEmpty:
            return try await amazonAction(last, account: account, user: user)
        default: throw ConsoleError.notFound("no page at /\(s.joined(separator: "/"))")
        }
    }

    func accountsPage(user: SessionUser) async throws -> HTTPResponse {
        let list = try await accounts.list()
        let rows: [[String: Any]] = list.map {
            [
                "id": $0.id, "name": $0.name, "marketplace": $0.marketplace, "syncEnabled": $0.syncEnabled,
                "automatic": $0.isAutomatic, "amazon": $0.marketplace == "amazon",
            ]
        }
        return page("accounts", title: "Accounts", ["accounts": rows], user: user)
    }

    func accountPage(_ account: ConsoleAccount, user: SessionUser, request: ConsoleRequest) async throws -> HTTPResponse {
        let settings = account.settings
        let canEdit = user.role >= .admin
        var context: [String: Any] = [
            "id": account.id, "name": account.name, "marketplace": account.marketplace,
            "syncEnabled": account.syncEnabled, "amazon": account.marketplace == "amazon",
            "zortout": account.marketplace == "zortout", "settingsJSON": WorkerCLI.Output.prettyJSON(account.settingsJSON),
            "secretKeys": account.credentialKeys.isEmpty ? "none" : account.credentialKeys.joined(separator: ", "),
            "warehouseCode": settings["warehouse_code"] as? String ?? "",
        ]
        if let form = AccountForm.of(account.marketplace) {
            context["known"] = true
            context["testConnection"] = JobTypes.standard().handler(for: form.testJobType) != nil
            context["fields"] = form.fields.map { field -> [String: Any] in
                var row: [String: Any] = ["key": field.key, "label": field.label, "hint": field.hint, "canEdit": canEdit]
                switch field.kind {
                case .secret: row["isSecret"] = true; row["set"] = account.credentialKeys.contains(field.key)
                case .bool: row["isBool"] = true; row["checked"] = (settings[field.key] as? Bool) == true
                case .list:
                    row["isText"] = true
                    row["value"] = (settings[field.key] as? [Any])?.map { "\($0)" }.joined(separator: ", ") ?? ""
                case .text, .number:
                    row["isText"] = true
                    row["value"] = settings[field.key].map { "\($0)" } ?? ""
                }
                return row
            }
        }
        let jobs = try await database.withConnection {
            try await JobAdmin(connection: $0).page(JobAdmin.PageFilter(accountID: account.id, limit: 10)).jobs
        }
        context["jobs"] = jobs.map(Self.row)
        context["audit"] = try await audit.entries(accountID: account.id).map(Self.auditRow)
        return page("account", title: account.name, context, user: user, request: request)
    }

    /// POST /accounts/<id>/settings (admin): settings merged, secrets set through
    /// `console_set_credentials`; the audit names the secret keys, never values.
    func saveSettings(_ account: ConsoleAccount, request: ConsoleRequest, user: SessionUser) async throws -> HTTPResponse {
        try require(.admin, user, to: "changing an account")
        guard let form = AccountForm.of(account.marketplace) else {
            throw ConsoleError.badRequest("\(account.marketplace) accounts have no configuration form; change them with SQL")
        }
        var changes: [String: Any?] = [:]
        var secrets: [String: String] = [:]
        for field in form.fields {
            let value = request.form[field.key]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            switch field.kind {
            case .secret: if !value.isEmpty { secrets[field.key] = value }
            case .bool: changes[field.key] = value == "true"
            case .text: changes[field.key] = value.isEmpty ? nil : value
            case .number:
                if value.isEmpty {
                    changes[field.key] = .some(nil)
                } else if let number = Int(value), number >= 0 {
                    changes[field.key] = number
                } else {
                    throw ConsoleError.badRequest("\(field.label) must be a whole number ≥ 0, got '\(value.prefix(40))'")
                }
            case .list:
                let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                changes[field.key] = items.isEmpty ? nil : items
            }
        }
        try await accounts.updateSettings(id: account.id, changes: changes, syncEnabled: request.form["sync_enabled"] == "true")
        if !secrets.isEmpty { try await accounts.setCredentials(id: account.id, secrets) }
        let detail = secrets.isEmpty ? "settings" : "settings; secrets replaced: \(secrets.keys.sorted().joined(separator: ", "))"
        try await audit.record(login: user.login, action: "configure", accountID: account.id, detail: detail)
        return ConsoleResponse.redirect("/accounts/\(account.id)?done=settings")
    }

    /// The Zortout guide's buttons, each a job.
    func zortoutAction(_ action: String, account: ConsoleAccount, request: ConsoleRequest, user: SessionUser) async throws
        -> HTTPResponse
    {
        switch action {
        case "warehouses":
            return try await enqueueAction(
                account, user: user, jobType: "zortout.list_warehouses", payload: "{}", name: "View Warehouse List")
        case "check-warehouse":
            let code = request.form["code"]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !code.isEmpty, code.count <= 100 else { throw ConsoleError.badRequest("give a warehouse code to test") }
            let payload = String(
                decoding: try JSONSerialization.data(withJSONObject: ["check_code": code]), as: UTF8.self)
            return try await enqueueAction(
                account, user: user, jobType: "zortout.list_warehouses", payload: payload, name: "Test Warehouse Code")
        case "pull":
            try require(.operator, user, to: "pulling stock")
            let id = try await ZortoutOperations(database: database).enqueuePull(
                account: account.withoutCredentials, warehouseCode: nil, skus: nil)
            try await audit.record(login: user.login, action: "pull-stock", jobID: id, accountID: account.id)
            return ConsoleResponse.redirect("/jobs/\(id)?done=enqueued")
        default: throw ConsoleError.notFound("no Zortout action '\(action.prefix(40))'")
        }
    }

    /// Enqueues a job for the account (an operator action) and shows its page.
    func enqueueAction(_ account: ConsoleAccount, user: SessionUser, jobType: String, payload: String, name: String)
        async throws -> HTTPResponse
    {
        try require(.operator, user, to: name)
        guard JobTypes.standard().handler(for: jobType) != nil else {
            throw ConsoleError.conflict("\(name) is not installed: no worker in this build runs \(jobType)")
        }
        var job = JobAdmin.NewJob(jobType: jobType)
        job.payload = payload
        job.accountID = account.id
        job.name = name
        job.maxAttempts = 1
        let id = try await database.withConnection { try await JobAdmin(connection: $0).enqueue(job) }
        try await audit.record(login: user.login, action: name, jobID: id, accountID: account.id)
        return ConsoleResponse.redirect("/jobs/\(id)?done=enqueued")
    }
}
