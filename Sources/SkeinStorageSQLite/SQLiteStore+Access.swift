import Foundation
import GRDB
import SkeinCore
import SkeinJSON
import SkeinStorage

extension SQLiteStore: AccessStore {
    public func createUser(_ user: UserRecord) async throws {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE username = ?", arguments: [user.username]) == true {
                throw StorageError(.conflict, "a user named '\(user.username)' already exists")
            }
            try db.execute(
                sql: "INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [user.username, user.role, user.passwordHash, user.createdAt.storageValue])
        }
    }

    public func user(named username: String) async throws -> UserRecord? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ?", arguments: [username]).map(SQLiteStore.user) }
    }

    public func users() async throws -> [UserRecord] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY username").map(SQLiteStore.user) }
    }

    public func userCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0 }
    }

    public func updateUser(named username: String, role: String?, passwordHash: String?) async throws -> Bool {
        try await write { db -> Bool in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE username = ?", arguments: [username]) == true else { return false }
            if let role {
                try db.execute(sql: "UPDATE users SET role = ? WHERE username = ?", arguments: [role, username])
            }
            if let passwordHash {
                try db.execute(sql: "UPDATE users SET password_hash = ? WHERE username = ?", arguments: [passwordHash, username])
                try db.execute(sql: "DELETE FROM sessions WHERE username = ?", arguments: [username])
            }
            return true
        }
    }

    public func deleteUser(named username: String) async throws -> Bool {
        try await write { db -> Bool in
            try db.execute(sql: "DELETE FROM sessions WHERE username = ?", arguments: [username])
            try db.execute(sql: "DELETE FROM api_tokens WHERE username = ?", arguments: [username])
            try db.execute(sql: "DELETE FROM users WHERE username = ?", arguments: [username])
            return db.changesCount > 0
        }
    }

    public func createSession(_ session: SessionRecord) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO sessions (id_hash, username, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    session.idHash, session.username, session.csrfToken, session.createdAt.storageValue,
                    session.expiresAt.storageValue,
                ])
        }
    }

    public func session(idHash: String, now: Date) async throws -> (SessionRecord, UserRecord)? {
        try await read { db -> (SessionRecord, UserRecord)? in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?",
                    arguments: [idHash, now.storageValue]),
                let user = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ?", arguments: [row["username"] as String])
            else { return nil }
            let session = SessionRecord(
                idHash: row["id_hash"], username: row["username"], csrfToken: row["csrf_token"],
                createdAt: row.date("created_at") ?? now, expiresAt: row.date("expires_at") ?? now)
            return (session, SQLiteStore.user(user))
        }
    }

    public func deleteSession(idHash: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM sessions WHERE id_hash = ?", arguments: [idHash]) }
    }

    public func pruneSessions(now: Date) async throws -> Int {
        try await write { db -> Int in
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [now.storageValue])
            return db.changesCount
        }
    }

    public func createToken(name: String, username: String, role: String, tokenHash: String, now: Date) async throws -> APITokenRecord {
        try await write { db -> APITokenRecord in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE username = ?", arguments: [username]) == true else {
                throw StorageError(.notFound, "no user named '\(username)'")
            }
            try db.execute(
                sql: "INSERT INTO api_tokens (name, username, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, username, role, tokenHash, now.storageValue])
            return APITokenRecord(
                id: db.lastInsertedRowID, name: name, username: username, role: role, tokenHash: tokenHash,
                createdAt: now, lastUsedAt: nil)
        }
    }

    public func useToken(hash: String, now: Date) async throws -> (APITokenRecord, UserRecord)? {
        try await write { db -> (APITokenRecord, UserRecord)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM api_tokens WHERE token_hash = ?", arguments: [hash]),
                let user = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ?", arguments: [row["username"] as String])
            else { return nil }
            var token = SQLiteStore.token(row)
            // Written at most once a minute per token, so busy scripts do not turn every read into a write.
            if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", arguments: [now.storageValue, token.id])
                token.lastUsedAt = now
            }
            return (token, SQLiteStore.user(user))
        }
    }

    public func tokens() async throws -> [APITokenRecord] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_tokens ORDER BY id").map(SQLiteStore.token) }
    }

    public func revokeToken(id: Int64) async throws -> Bool {
        try await write { db -> Bool in
            try db.execute(sql: "DELETE FROM api_tokens WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func appendAudit(actor: String, action: String, target: String, details: JSON, now: Date) async throws -> Int64 {
        try await write { db -> Int64 in
            try db.execute(
                sql: "INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)",
                arguments: [now.storageValue, actor, action, target, details.serialized()])
            return db.lastInsertedRowID
        }
    }

    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        try await read { db -> [AuditEntry] in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let actor = query.actor { conditions.append("actor = ?"); arguments += [actor] }
            if let action = query.action {
                if action.hasSuffix(".") {
                    conditions.append("substr(action, 1, ?) = ?"); arguments += [action.count, action]
                } else {
                    conditions.append("action = ?"); arguments += [action]
                }
            }
            if let before = query.before { conditions.append("id < ?"); arguments += [before] }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [query.limit]
            return try Row.fetchAll(db, sql: "SELECT * FROM audit_log \(filter) ORDER BY id DESC LIMIT ?", arguments: arguments).map { row in
                AuditEntry(
                    id: row["id"], at: row.date("at") ?? Date(), actor: row["actor"], action: row["action"], target: row["target"],
                    details: decodeJSON(row["details"]) ?? .null)
            }
        }
    }

    static func user(_ row: Row) -> UserRecord {
        UserRecord(username: row["username"], role: row["role"], passwordHash: row["password_hash"], createdAt: row.date("created_at") ?? Date())
    }

    static func token(_ row: Row) -> APITokenRecord {
        APITokenRecord(
            id: row["id"], name: row["name"], username: row["username"], role: row["role"], tokenHash: row["token_hash"],
            createdAt: row.date("created_at") ?? Date(), lastUsedAt: row.date("last_used_at"))
    }
}
