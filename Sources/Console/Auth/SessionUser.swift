/// Who a request's session belongs to, as `console_session_lookup` returns it.
public struct SessionUser: Sendable {
    /// `console_user.id`.
    public var id: Int64
    /// The login, which the audit trail records.
    public var login: String
    /// What the user may do.
    public var role: ConsoleRole
    /// Member of the integration group (the notifications inbox).
    public var integration: Bool
    /// The session's CSRF token: every POST must carry it.
    public var csrfToken: String
}
