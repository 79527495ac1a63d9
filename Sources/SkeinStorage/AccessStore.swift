public import Foundation
public import SkeinCore
public import SkeinJSON

/// Users, sessions, API tokens and the audit log. Each method is one transaction.
public protocol AccessStore: Sendable {
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

    func createSession(_ session: SessionRecord) async throws
    /// The unexpired session with this id hash, and its user.
    func session(idHash: String, now: Date) async throws -> (SessionRecord, UserRecord)?
    func deleteSession(idHash: String) async throws
    /// Deletes expired sessions; returns how many.
    func pruneSessions(now: Date) async throws -> Int

    /// Stores a token (by hash) and returns it with its id.
    func createToken(name: String, username: String, role: String, tokenHash: String, now: Date) async throws -> APITokenRecord
    /// The token with this hash and its owner, noting it was used now.
    func useToken(hash: String, now: Date) async throws -> (APITokenRecord, UserRecord)?
    func tokens() async throws -> [APITokenRecord]
    func revokeToken(id: Int64) async throws -> Bool

    @discardableResult
    func appendAudit(actor: String, action: String, target: String, details: JSON, now: Date) async throws -> Int64
    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry]
}
