public import SkeinCore

/// Who asks for an operation: a person signed in to the web UI, an API token, or the local
/// operator of the command line (someone who can read the data directory, and so everything).
/// Every operation takes one and checks it against `Permission` before doing anything.
public struct Identity: Sendable, Equatable {
    /// How the caller proved who they are.
    public enum Method: String, Sendable {
        /// A browser session cookie; unsafe methods must also carry the session's CSRF token.
        case session
        /// An `Authorization: Bearer` API token; no cookie, so no CSRF check.
        case token
        /// This machine's command line (`skein …`, `skein mcp` over stdio): no sign-in, the
        /// role is what the command was given.
        case local
    }

    public var username: String
    public var role: Role
    public var method: Method
    /// The session's CSRF token, for pages to embed in forms (`_csrf`) and in
    /// `<meta name="csrf-token">` for `fetch` calls (`X-CSRF-Token` header). Nil otherwise.
    public var csrfToken: String?

    public init(username: String, role: Role, method: Method, csrfToken: String? = nil) {
        self.username = username
        self.role = role
        self.method = method
        self.csrfToken = csrfToken
    }

    /// The command line's operator: whoever can open the data directory can do everything.
    public static let localOperator = Identity(username: "skein (cli)", role: .admin, method: .local)

    /// How the caller is named in the audit log: `pat`, `pat (token)`, `skein (cli)`.
    public var auditActor: String { username + (method == .token ? " (token)" : "") }
}
