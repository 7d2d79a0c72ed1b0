import FlyingFox
import Foundation

extension ConsoleApp {
    /// GET shows the form; POST tries the login. Every failure gets the same
    /// words whether or not the login exists; throttling says so plainly.
    func loginRoute(_ request: ConsoleRequest) async throws -> HTTPResponse {
        if request.method == "GET" || request.method == "HEAD" {
            return ConsoleResponse.html(.ok, render("login", title: "Log in", [:], user: nil))
        }
        guard request.method == "POST" else { throw ConsoleError.methodNotAllowed("log in with POST /login") }
        let login = request.form["login"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let password = request.form["password"] ?? ""
        guard !login.isEmpty, !password.isEmpty, login.count <= 64, password.utf8.count <= 1024 else {
            return loginForm(status: .badRequest, message: "Give a login and a password.", login: "")
        }
        let token = SessionToken.make()
        switch try await auth.login(
            login: login, password: password, address: request.address, token: token, csrf: SessionToken.make())
        {
        case .ok:
            var cookie = "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(security.absoluteSeconds)"
            if security.behindTLS { cookie += "; Secure" }
            return ConsoleResponse.redirect("/", headers: [.setCookie: cookie])
        case .invalid:
            return loginForm(status: .unauthorized, message: "Wrong login or password.", login: login)
        case .throttled:
            return loginForm(
                status: .tooManyRequests,
                message:
                    "Too many failed logins for this login or from this address; wait \(Display.duration(security.throttleWindowSeconds)) and try again.",
                login: login)
        }
    }

    private func loginForm(status: HTTPStatusCode, message: String, login: String) -> HTTPResponse {
        ConsoleResponse.html(status, render("login", title: "Log in", ["message": message, "login": login], user: nil))
    }

    /// Ends the session on the server and clears the cookie.
    func logout(token: String) async throws -> HTTPResponse {
        try await auth.logout(token: token)
        var cookie = "\(Self.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        if security.behindTLS { cookie += "; Secure" }
        return ConsoleResponse.redirect("/login", headers: [.setCookie: cookie])
    }
}
