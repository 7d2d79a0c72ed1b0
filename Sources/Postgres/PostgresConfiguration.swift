/// Where to connect. libpq itself resolves everything: a `postgresql://` URI or a
/// `key=value` string passes straight through, and with neither, the `PG*`
/// environment variables, `.pgpass` and `PGSERVICE` apply exactly as they do for psql.
public struct PostgresConfiguration: Sendable, Equatable {
    /// A URI or conninfo string; `nil` means "let libpq read the environment".
    public var connectionString: String?
    /// Shown in `pg_stat_activity`; a value in the URI wins over this one.
    public var applicationName: String

    public init(connectionString: String? = nil, applicationName: String = "marketplace-jobs") {
        self.connectionString = connectionString?.isEmpty == true ? nil : connectionString
        self.applicationName = applicationName
    }

    /// `--database-url` if given, else `DATABASE_URL`, else libpq's `PG*` variables.
    public static func resolve(explicit: String?, environment: [String: String], applicationName: String) -> PostgresConfiguration
    {
        if let explicit, !explicit.isEmpty {
            return PostgresConfiguration(connectionString: explicit, applicationName: applicationName)
        }
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return PostgresConfiguration(connectionString: url, applicationName: applicationName)
        }
        return PostgresConfiguration(connectionString: nil, applicationName: applicationName)
    }

    /// The same target with `password=` and URI passwords masked, for logs.
    public var redactedDescription: String {
        guard let connectionString else { return "(PG* environment)" }
        return Self.redact(connectionString)
    }

    static func redact(_ text: String) -> String {
        var result = text
        // postgresql://user:secret@host → postgresql://user:***@host
        if let scheme = result.range(of: "://"), let at = result[scheme.upperBound...].firstIndex(of: "@") {
            let userInfo = result[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        // password=secret in a conninfo string or a URI query
        if let range = result.range(of: "password=") {
            let end = result[range.upperBound...].firstIndex(where: { $0 == " " || $0 == "&" }) ?? result.endIndex
            result.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return result
    }
}
