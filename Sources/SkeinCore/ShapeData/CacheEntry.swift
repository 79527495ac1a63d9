public import Foundation

/// Which cache: its scope and name.
public struct CacheAddress: Sendable, Equatable, Hashable {
    /// `run:<id>`, `flow:<flow id>` or `installation`.
    public var scope: String
    public var name: String

    public init(scope: String, name: String) {
        self.scope = scope
        self.name = name
    }
}

/// One cached payload.
public struct CacheEntry: Sendable {
    public var key: String
    public var payload: Payload
    public var expiresAt: Date?

    public init(key: String, payload: Payload, expiresAt: Date?) {
        self.key = key
        self.payload = payload
        self.expiresAt = expiresAt
    }
}
