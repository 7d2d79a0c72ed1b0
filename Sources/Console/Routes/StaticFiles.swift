import FlyingFox

/// `/static/<name>`: the console's one stylesheet and one script, served from
/// memory. Names are looked up in a fixed table, never joined to a file path,
/// so `..` can reach nothing; a name with a slash, a dot-dot or a backslash is
/// refused as a bad request.
enum StaticFiles {
    static let files: [String: (body: String, type: String)] = [
        "console.css": (Templates.css, "text/css; charset=utf-8"),
        "console.js": (Templates.script, "text/javascript; charset=utf-8"),
    ]

    static func serve(_ request: ConsoleRequest) throws -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            throw ConsoleError.methodNotAllowed("static files are read with GET")
        }
        let rest = request.segments.dropFirst()
        let name = rest.joined(separator: "/")
        if rest.count != 1 || name.contains("..") || name.contains("\\") || name.contains("%") {
            throw ConsoleError.badRequest("'\(name.prefix(80))' is not a file name")
        }
        guard let file = files[name] else { throw ConsoleError.notFound("no static file '\(name)'") }
        return ConsoleResponse.file(file.body, type: file.type)
    }
}
