public import Hummingbird
public import NIOCore
public import SkeinCore
public import SkeinOperations

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
    /// 403 when the caller's role is too low. Routes that are not operations (sign-out, the
    /// pages' own reads) call this; operations check `Permission` themselves.
    public func require(_ role: Role) throws -> Identity {
        do { return try Permission.require(role, of: identity) } catch { throw APIError(error) }
    }

    /// The caller, signed in (401 otherwise); what it may do is the operation's to decide.
    public func caller() throws -> Identity { try require(.viewer) }
}
