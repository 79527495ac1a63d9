public import Foundation
public import SkeinCore
public import SkeinJSON

/// The people who sign in. Each method is one transaction.
public protocol UserStore: Sendable {
    /// Adds a user; `StorageError(.conflict)` when the name is taken.
    func createUser(_ user: UserRecord) async throws
    func user(named username: String) async throws -> UserRecord?
    func users() async throws -> [UserRecord]
    func userCount() async throws -> Int
    /// Changes the role and/or password hash; false when there is no such user. A new password
    /// ends the user's sessions.
    func updateUser(named username: String, role: String?, passwordHash: String?) async throws -> Bool
    /// Removes the user with their sessions and tokens; false when there was no such user.
    func deleteUser(named username: String) async throws -> Bool
}

/// Browser sessions, stored by the hash of their cookie.
public protocol SessionStore: Sendable {
    func createSession(_ session: SessionRecord) async throws
    /// The unexpired session with this id hash, and its user.
    func session(idHash: String, now: Date) async throws -> (SessionRecord, UserRecord)?
    func deleteSession(idHash: String) async throws
    /// Deletes expired sessions; returns how many.
    func pruneSessions(now: Date) async throws -> Int
}

/// API tokens, stored by hash.
public protocol APITokenStore: Sendable {
    /// Stores a token (by hash) and returns it with its id; `StorageError(.notFound)` when the user does not exist.
    func createToken(name: String, username: String, role: String, tokenHash: String, now: Date) async throws -> APITokenRecord
    /// The token with this hash and its owner, noting it was used now (written at most once a minute).
    func useToken(hash: String, now: Date) async throws -> (APITokenRecord, UserRecord)?
    func tokens() async throws -> [APITokenRecord]
    func revokeToken(id: Int64) async throws -> Bool
}

/// The audit log: who changed or re-ran what.
public protocol AuditLog: Sendable {
    @discardableResult
    func appendAudit(actor: String, action: String, target: String, details: JSON, now: Date) async throws -> Int64
    /// Newest first, filtered and paged by `query`.
    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry]
}

/// Users, sessions, API tokens and the audit log.
public protocol AccessStore: UserStore, SessionStore, APITokenStore, AuditLog {}
