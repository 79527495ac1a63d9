public import Foundation
public import SkeinJSON

/// A person who signs in to the web UI (and owns API tokens). The role is kept as its name
/// (`viewer`, `operator`, `builder`, `admin`); the web layer gives it meaning.
public struct UserRecord: Sendable, Equatable {
    public var username: String
    public var role: String
    /// A slow-KDF hash (bcrypt) of the password, never the password itself.
    public var passwordHash: String
    public var createdAt: Date

    public init(username: String, role: String, passwordHash: String, createdAt: Date) {
        self.username = username; self.role = role; self.passwordHash = passwordHash; self.createdAt = createdAt
    }
}

/// A browser session. Only a hash of the cookie value is stored, so a copy of the database
/// cannot be turned into signed-in cookies.
public struct SessionRecord: Sendable, Equatable {
    /// SHA-256 (hex) of the session cookie's value.
    public var idHash: String
    public var username: String
    /// The token unsafe requests of this session must echo (`_csrf` field or `X-CSRF-Token`).
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(idHash: String, username: String, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.idHash = idHash; self.username = username; self.csrfToken = csrfToken; self.createdAt = createdAt; self.expiresAt = expiresAt
    }
}

/// An API token as stored: its hash, never the token.
public struct APITokenRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var username: String
    /// The most the token may do; the owner's role caps it too.
    public var role: String
    /// SHA-256 (hex) of the token.
    public var tokenHash: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: Int64, name: String, username: String, role: String, tokenHash: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = id; self.name = name; self.username = username; self.role = role; self.tokenHash = tokenHash
        self.createdAt = createdAt; self.lastUsedAt = lastUsedAt
    }
}

/// One line of the audit log: who changed or re-ran what.
public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    /// The username (for tokens: `username (token NAME)`), or `skein` for the CLI on the server.
    public var actor: String
    /// What was done, e.g. `flow.deploy`, `run.replay`, `sync.resync`, `user.create`.
    public var action: String
    /// What it was done to, e.g. `flow:orders-to-erp`, `run:12`.
    public var target: String
    /// Further facts (new run ids, counts); never secrets.
    public var details: JSON

    public init(id: Int64, at: Date, actor: String, action: String, target: String, details: JSON) {
        self.id = id; self.at = at; self.actor = actor; self.action = action; self.target = target; self.details = details
    }
}

/// Newest first, keyset paginated by id.
public struct AuditQuery: Sendable {
    public var actor: String?
    /// An action, or a prefix ending in `.` (`run.`).
    public var action: String?
    public var before: Int64?
    public var limit: Int

    public init(actor: String? = nil, action: String? = nil, before: Int64? = nil, limit: Int = 50) {
        self.actor = actor; self.action = action; self.before = before; self.limit = limit
    }
}
