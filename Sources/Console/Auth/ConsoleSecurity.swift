/// The console's security settings: session lifetimes, login throttling and
/// cookie flags. The defaults suit a console behind a company network;
/// tests shorten the lifetimes to see them expire.
public struct ConsoleSecurity: Sendable {
    /// A session unused this long is over.
    public var idleSeconds: Int = 30 * 60
    /// A session is over this long after login, however busy.
    public var absoluteSeconds: Int = 12 * 3600
    /// Failed logins of one login within the window before further tries are refused.
    public var maxFailuresPerLogin: Int = 5
    /// Failed logins from one address within the window before further tries are refused.
    public var maxFailuresPerAddress: Int = 20
    /// The throttling window.
    public var throttleWindowSeconds: Int = 15 * 60
    /// Adds `Secure` to the cookie (`--behind-tls`: a TLS proxy in front).
    public var behindTLS: Bool = false
    /// Largest request body read; bigger ones get 413.
    public var maxBodyBytes: Int = 64 * 1024

    /// The defaults.
    public init() {}
}
