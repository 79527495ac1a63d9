import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Users, sessions, API tokens and the audit log. A user's sessions and tokens go with the user.
struct AccessTables {
    var users: [String: UserRecord] = [:]
    var sessions: [String: SessionRecord] = [:]
    var tokens: [Int64: APITokenRecord] = [:]
    var nextTokenID: Int64 = 1
    var audit: [AuditEntry] = []
    var nextAuditID: Int64 = 1
}

extension MemoryStore: UserStore {
    public func createUser(_ user: UserRecord) async throws {
        var stored = user
        stored.createdAt = storedTime(user.createdAt)
        try transaction { state in
            guard state.access.users[user.username] == nil else { throw StorageError(.conflict, "a user named '\(user.username)' already exists") }
            state.access.users[user.username] = stored
        }
    }

    public func user(named username: String) async throws -> UserRecord? {
        try transaction { state in state.access.users[username] }
    }

    public func users() async throws -> [UserRecord] {
        try transaction { state in state.access.users.values.sorted { byteOrder($0.username, $1.username) } }
    }

    public func userCount() async throws -> Int {
        try transaction { state in state.access.users.count }
    }

    public func updateUser(named username: String, role: String?, passwordHash: String?) async throws -> Bool {
        try transaction { state in
            guard var user = state.access.users[username] else { return false }
            if let role { user.role = role }
            if let passwordHash {
                user.passwordHash = passwordHash
                state.access.sessions = state.access.sessions.filter { $0.value.username != username }
            }
            state.access.users[username] = user
            return true
        }
    }

    public func deleteUser(named username: String) async throws -> Bool {
        try transaction { state in
            state.access.sessions = state.access.sessions.filter { $0.value.username != username }
            state.access.tokens = state.access.tokens.filter { $0.value.username != username }
            return state.access.users.removeValue(forKey: username) != nil
        }
    }
}

extension MemoryStore: SessionStore {
    public func createSession(_ session: SessionRecord) async throws {
        var stored = session
        stored.createdAt = storedTime(session.createdAt)
        stored.expiresAt = storedTime(session.expiresAt)
        try transaction { state in
            guard state.access.users[session.username] != nil else { throw StorageError(.notFound, "no user named '\(session.username)'") }
            guard state.access.sessions[session.idHash] == nil else { throw StorageError(.conflict, "that session exists already") }
            state.access.sessions[session.idHash] = stored
        }
    }

    public func session(idHash: String, now: Date) async throws -> (SessionRecord, UserRecord)? {
        try transaction { state in
            guard let session = state.access.sessions[idHash], session.expiresAt.timeIntervalSince1970 > now.timeIntervalSince1970,
                let user = state.access.users[session.username]
            else { return nil }
            return (session, user)
        }
    }

    public func deleteSession(idHash: String) async throws {
        try transaction { state in state.access.sessions[idHash] = nil }
    }

    public func pruneSessions(now: Date) async throws -> Int {
        try transaction { state in
            let before = state.access.sessions.count
            state.access.sessions = state.access.sessions.filter { $0.value.expiresAt.timeIntervalSince1970 > now.timeIntervalSince1970 }
            return before - state.access.sessions.count
        }
    }
}

extension MemoryStore: APITokenStore {
    public func createToken(name: String, username: String, role: String, tokenHash: String, now: Date) async throws -> APITokenRecord {
        try transaction { state in
            guard state.access.users[username] != nil else { throw StorageError(.notFound, "no user named '\(username)'") }
            guard !state.access.tokens.values.contains(where: { $0.tokenHash == tokenHash }) else {
                throw StorageError(.conflict, "a token with that hash exists already")
            }
            let token = APITokenRecord(
                id: state.access.nextTokenID, name: name, username: username, role: role, tokenHash: tokenHash,
                createdAt: storedTime(now), lastUsedAt: nil)
            state.access.nextTokenID += 1
            state.access.tokens[token.id] = token
            return token
        }
    }

    public func useToken(hash: String, now: Date) async throws -> (APITokenRecord, UserRecord)? {
        try transaction { state in
            guard var token = state.access.tokens.values.first(where: { $0.tokenHash == hash }), let user = state.access.users[token.username] else {
                return nil
            }
            // Written at most once a minute per token, as on disk.
            if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                token.lastUsedAt = storedTime(now)
                state.access.tokens[token.id] = token
            }
            return (token, user)
        }
    }

    public func tokens() async throws -> [APITokenRecord] {
        try transaction { state in state.access.tokens.values.sorted { $0.id < $1.id } }
    }

    public func revokeToken(id: Int64) async throws -> Bool {
        try transaction { state in state.access.tokens.removeValue(forKey: id) != nil }
    }
}

extension MemoryStore: AuditLog {
    @discardableResult
    public func appendAudit(actor: String, action: String, target: String, details: JSON, now: Date) async throws -> Int64 {
        try transaction { state in
            let id = state.access.nextAuditID
            state.access.nextAuditID += 1
            state.access.audit.append(AuditEntry(id: id, at: storedTime(now), actor: actor, action: action, target: target, details: details))
            return id
        }
    }

    /// An action ending in `.` is a prefix (`run.`), compared byte for byte; any other action matches exactly.
    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        try transaction { state in
            let matching = state.access.audit.reversed().filter { entry in
                (query.actor.map { entry.actor == $0 } ?? true)
                    && (query.action.map { action in
                        action.hasSuffix(".") ? entry.action.utf8.starts(with: action.utf8) : entry.action == action
                    } ?? true)
                    && (query.before.map { entry.id < $0 } ?? true)
            }
            return query.limit < 0 ? matching : Array(matching.prefix(query.limit))
        }
    }
}
