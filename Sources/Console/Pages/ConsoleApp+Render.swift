import FlyingFox
import Foundation

extension ConsoleApp {
    /// Renders `template` with `context` into the layout. Every page context
    /// also gets the user's CSRF token (`csrf`), `canOperate` and `canAdmin`,
    /// so forms and buttons appear only for roles that may use them.
    func render(_ template: String, title: String, _ context: [String: Any], user: SessionUser?, flash: String? = nil)
        -> String
    {
        var context = context
        if let user {
            context["csrf"] = user.csrfToken
            context["canOperate"] = user.role >= .operator
            context["canAdmin"] = user.role >= .admin
        }
        let body = library.render(context, withTemplate: template) ?? "template \(template) is missing"
        var layout: [String: Any] = ["title": title, "body": body]
        if let user {
            layout["user"] = [
                "login": user.login, "role": user.role.rawValue, "integration": user.integration, "csrf": user.csrfToken,
            ]
        }
        if let flash { layout["flash"] = flash }
        return library.render(layout, withTemplate: "layout") ?? body
    }

    /// A whole page as a 200 response.
    func page(_ template: String, title: String, _ context: [String: Any], user: SessionUser, request: ConsoleRequest? = nil)
        -> HTTPResponse
    {
        let flash = request?.query["done"].flatMap { Flash.messages[$0] }
        return ConsoleResponse.html(.ok, render(template, title: title, context, user: user, flash: flash))
    }
}
