import Mustache

/// The console's Mustache templates, compiled once at start. Every page is
/// rendered into `layout`; `{{ }}` escapes HTML, and `{{{ }}}` is used only for
/// HTML the console made itself (the rendered page, the SVG chart).
public enum Templates {
    /// Template name → source, one entry per page.
    static let sources: [String: String] = [
        "layout": layout, "login": login, "error": error, "overview": overview, "jobs": jobs, "job": job,
        "accounts": accounts, "account": account, "amazon": amazon, "notifications": notifications,
        "schedules": schedules,
    ]

    /// Every template, parsed. A template that does not parse is a bug in this
    /// module, found by the first test that starts a console.
    public static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, source) in sources { try library.register(source, named: name) }
        return library
    }
}
