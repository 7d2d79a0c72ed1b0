import FlyingFox
import Foundation
import JobQueue
import Logging
import Mustache
import Postgres

/// The console as one FlyingFox handler: reads the request, finds the
/// session, checks CSRF on every POST and the role on every route, runs the
/// route, and turns every refusal into a 4xx page. Nothing a request does
/// stops the server: errors end that request only.
public struct ConsoleApp: HTTPHandler, Sendable {
    let database: PostgresPool
    let security: ConsoleSecurity
    let library: MustacheLibrary
    let logger: Logger
    let auth: AuthStore
    let audit: AuditStore
    let accounts: AccountStore
    let overview: OverviewStore

    /// The session cookie's name.
    static let cookieName = "mj_session"

    /// A console on `database`, which must be connected as `marketplace_console`
    /// (`ConsoleDatabase.configuration`).
    public init(database: PostgresPool, security: ConsoleSecurity = ConsoleSecurity(), logger: Logger) throws {
        self.database = database
        self.security = security
        self.library = try Templates.library()
        self.logger = logger
        self.auth = AuthStore(database: database, security: security)
        self.audit = AuditStore(database: database)
        self.accounts = AccountStore(database: database)
        self.overview = OverviewStore(database: database)
    }

    /// FlyingFox's entry point.
    public func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        var user: SessionUser?
        do {
            let parsed = try await ConsoleRequest.read(request, maxBody: security.maxBodyBytes)
            if parsed.segments.first == "static" { return try StaticFiles.serve(parsed) }
            if parsed.segments == ["login"] { return try await loginRoute(parsed) }
            guard let token = parsed.cookies[Self.cookieName], let session = try await auth.session(token: token) else {
                if parsed.method == "GET" { return ConsoleResponse.redirect("/login") }
                throw ConsoleError.forbidden("you are not logged in (or your session expired): log in again")
            }
            user = session
            if parsed.method == "POST" {
                guard let sent = parsed.form["csrf"], SessionToken.equal(sent, session.csrfToken) else {
                    throw ConsoleError.forbidden("this form carries no valid CSRF token; reload the page and try again")
                }
            } else if parsed.method != "GET" && parsed.method != "HEAD" {
                throw ConsoleError.methodNotAllowed("the console answers GET and POST only")
            }
            return try await route(parsed, user: session, token: token)
        } catch {
            return errorPage(error, user: user)
        }
    }

    /// The routes behind a session.
    func route(_ request: ConsoleRequest, user: SessionUser, token: String) async throws -> HTTPResponse {
        let s = request.segments
        let get = request.method == "GET" || request.method == "HEAD"
        switch (get, s.first) {
        case (true, nil): return try await overviewPage(user: user)
        case (true, "live") where s.count == 1: return try await liveDepth()
        case (false, "logout") where s.count == 1: return try await logout(token: token)
        case (_, "jobs"): return try await jobsRoute(request, user: user, get: get)
        case (_, "accounts"): return try await accountsRoute(request, user: user, get: get)
        case (_, "notifications"): return try await notificationsRoute(request, user: user, get: get)
        case (_, "schedules"): return try await schedulesRoute(request, user: user, get: get)
        default: throw ConsoleError.notFound("no page at /\(s.joined(separator: "/"))")
        }
    }

    /// Refuses a user whose role is below `role`.
    func require(_ role: ConsoleRole, _ user: SessionUser, to action: String) throws {
        guard user.role >= role else {
            throw ConsoleError.forbidden("\(action) needs the \(role.rawValue) role; you are \(user.role.rawValue)")
        }
    }

    /// The page for an error: its status and a message that names the problem.
    /// Database failures are logged and shown without their text.
    func errorPage(_ error: any Error, user: SessionUser?) -> HTTPResponse {
        let status: Int
        let message: String
        switch error {
        case let error as ConsoleError:
            status = error.status
            message = error.description
        case let error as JobAdminError:
            switch error {
            case .notFound: status = 404
            case .refused: status = 409
            case .invalid: status = 400
            }
            message = error.description
        default:
            logger.error("request failed", metadata: ["error": "\(error)"])
            status = 500
            message = "the console could not do this (the server log has the details); try again"
        }
        let code = ConsoleResponse.status(status)
        let body = render(
            "error", title: "\(status)", ["status": status, "reason": code.phrase, "message": message], user: user)
        return ConsoleResponse.html(code, body)
    }
}
