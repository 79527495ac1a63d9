public import Hummingbird
public import NIOCore

/// What a signed-in person or API token may do. Each role includes everything the roles
/// before it may do: a viewer reads; an operator also re-runs, replays and resyncs; a builder
/// also deploys and changes flows and instances; an admin also manages users and tokens.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case viewer
    case `operator`
    case builder
    case admin

    private var rank: Int { Role.allCases.firstIndex(of: self)! }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Who is making a request, once the access middleware has authenticated it.
public struct Identity: Sendable, Equatable {
    /// How the request proved who it is.
    public enum Method: String, Sendable {
        /// A browser session cookie; unsafe methods must also carry the session's CSRF token.
        case session
        /// An `Authorization: Bearer` API token; no cookie, so no CSRF check.
        case token
    }

    public var username: String
    public var role: Role
    public var method: Method
    /// The session's CSRF token, for pages to embed in forms (`_csrf`) and in
    /// `<meta name="csrf-token">` for `fetch` calls (`X-CSRF-Token` header). Nil for tokens.
    public var csrfToken: String?

    public init(username: String, role: Role, method: Method, csrfToken: String? = nil) {
        self.username = username
        self.role = role
        self.method = method
        self.csrfToken = csrfToken
    }
}

/// The request context of every Skein route: Hummingbird's core context plus the identity the
/// access middleware found (nil for anonymous requests such as webhooks, health and login).
public struct SkeinRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    /// The connection's peer (nil in router tests), for sign-in throttling and tracing.
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress
    }
}

extension SkeinRequestContext {
    /// The caller's identity when it holds at least `role`; 401 when nobody is signed in,
    /// 403 when the caller's role is too low. Handlers call this first.
    public func require(_ role: Role) throws -> Identity {
        guard let identity else { throw APIError(.unauthenticated, "sign in or send an API token") }
        guard identity.role >= role else {
            throw APIError(.forbidden, "this needs the \(role.rawValue) role; \(identity.username) is \(identity.role.rawValue)")
        }
        return identity
    }
}
