import Foundation
import PostgresNIO
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Users, sessions, API tokens and the audit log (`AccessStore`), each method one transaction.
extension PostgresStore: AccessStore {
    public func createUser(_ user: UserRecord) async throws {
        let logger = logger
        try await connection { connection in
            // The primary key decides between two processes adding the same name at once.
            let inserted = try await connection.rows(
                """
                INSERT INTO users (username, role, password_hash, created_at)
                VALUES (\(user.username), \(user.role), \(user.passwordHash), \(user.createdAt.pgValue))
                ON CONFLICT (username) DO NOTHING RETURNING 1
                """, logger: logger)
            if inserted.isEmpty { throw StorageError(.conflict, "a user named '\(user.username)' already exists") }
        }
    }

    public func user(named username: String) async throws -> UserRecord? {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM users WHERE username = \(username)", logger: logger).first.map(PostgresStore.user)
        }
    }

    public func users() async throws -> [UserRecord] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM users ORDER BY username", logger: logger).map(PostgresStore.user)
        }
    }

    public func userCount() async throws -> Int {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT count(*) AS n FROM users", logger: logger).first?["n", as: Int.self] ?? 0
        }
    }

    public func updateUser(named username: String, role: String?, passwordHash: String?) async throws -> Bool {
        let logger = logger
        return try await transaction { connection in
            let updated = try await connection.rows(
                """
                UPDATE users SET role = coalesce(\(role), role), password_hash = coalesce(\(passwordHash), password_hash)
                WHERE username = \(username) RETURNING 1
                """, logger: logger)
            guard !updated.isEmpty else { return false }
            if passwordHash != nil {
                // A new password ends every session signed in with the old one.
                try await connection.run("DELETE FROM sessions WHERE username = \(username)", logger: logger)
            }
            return true
        }
    }

    public func deleteUser(named username: String) async throws -> Bool {
        let logger = logger
        return try await transaction { connection in
            try await connection.run("DELETE FROM sessions WHERE username = \(username)", logger: logger)
            try await connection.run("DELETE FROM api_tokens WHERE username = \(username)", logger: logger)
            return try await !connection.rows("DELETE FROM users WHERE username = \(username) RETURNING 1", logger: logger).isEmpty
        }
    }

    public func createSession(_ session: SessionRecord) async throws {
        let logger = logger
        try await connection { connection in
            try await connection.run(
                """
                INSERT INTO sessions (id_hash, username, csrf_token, created_at, expires_at)
                VALUES (\(session.idHash), \(session.username), \(session.csrfToken), \(session.createdAt.pgValue), \(session.expiresAt.pgValue))
                """, logger: logger)
        }
    }

    public func session(idHash: String, now: Date) async throws -> (SessionRecord, UserRecord)? {
        let logger = logger
        return try await connection { connection -> (SessionRecord, UserRecord)? in
            guard
                let row = try await connection.rows(
                    """
                    SELECT s.id_hash, s.csrf_token, s.created_at AS session_created_at, s.expires_at,
                           u.username, u.role, u.password_hash, u.created_at
                    FROM sessions s JOIN users u ON u.username = s.username
                    WHERE s.id_hash = \(idHash) AND s.expires_at > \(now.pgValue)
                    """, logger: logger
                ).first
            else { return nil }
            let session = SessionRecord(
                idHash: try row["id_hash"], username: try row["username"], csrfToken: try row["csrf_token"],
                createdAt: try row.date("session_created_at"), expiresAt: try row.date("expires_at"))
            return (session, try PostgresStore.user(row))
        }
    }

    public func deleteSession(idHash: String) async throws {
        let logger = logger
        try await connection { connection in
            try await connection.run("DELETE FROM sessions WHERE id_hash = \(idHash)", logger: logger)
        }
    }

    public func pruneSessions(now: Date) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("DELETE FROM sessions WHERE expires_at <= \(now.pgValue) RETURNING 1", logger: logger).count
        }
    }

    public func createToken(name: String, username: String, role: String, tokenHash: String, now: Date) async throws -> APITokenRecord {
        let logger = logger
        return try await transaction { connection in
            // Locks the owner, so the user cannot be deleted between the check and the insert.
            guard try await !connection.rows("SELECT 1 FROM users WHERE username = \(username) FOR SHARE", logger: logger).isEmpty else {
                throw StorageError(.notFound, "no user named '\(username)'")
            }
            let id: Int64 = try await connection.rows(
                """
                INSERT INTO api_tokens (name, username, role, token_hash, created_at)
                VALUES (\(name), \(username), \(role), \(tokenHash), \(now.pgValue)) RETURNING id
                """, logger: logger)[0]["id"]
            return APITokenRecord(id: id, name: name, username: username, role: role, tokenHash: tokenHash, createdAt: now, lastUsedAt: nil)
        }
    }

    public func useToken(hash: String, now: Date) async throws -> (APITokenRecord, UserRecord)? {
        let logger = logger
        return try await transaction { connection -> (APITokenRecord, UserRecord)? in
            guard
                let row = try await connection.rows(
                    """
                    SELECT t.id, t.name, t.role AS token_role, t.token_hash, t.created_at AS token_created_at, t.last_used_at,
                           u.username, u.role, u.password_hash, u.created_at
                    FROM api_tokens t JOIN users u ON u.username = t.username
                    WHERE t.token_hash = \(hash)
                    """, logger: logger
                ).first
            else { return nil }
            var token = APITokenRecord(
                id: try row["id"], name: try row["name"], username: try row["username"], role: try row["token_role"],
                tokenHash: try row["token_hash"], createdAt: try row.date("token_created_at"),
                lastUsedAt: try row.optionalDate("last_used_at"))
            // Written at most once a minute per token, so busy scripts do not turn every read into a write.
            if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                try await connection.run("UPDATE api_tokens SET last_used_at = \(now.pgValue) WHERE id = \(token.id)", logger: logger)
                token.lastUsedAt = now
            }
            return (token, try PostgresStore.user(row))
        }
    }

    public func tokens() async throws -> [APITokenRecord] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM api_tokens ORDER BY id", logger: logger).map { row in
                APITokenRecord(
                    id: try row["id"], name: try row["name"], username: try row["username"], role: try row["role"],
                    tokenHash: try row["token_hash"], createdAt: try row.date("created_at"),
                    lastUsedAt: try row.optionalDate("last_used_at"))
            }
        }
    }

    public func revokeToken(id: Int64) async throws -> Bool {
        let logger = logger
        return try await connection { connection in
            try await !connection.rows("DELETE FROM api_tokens WHERE id = \(id) RETURNING 1", logger: logger).isEmpty
        }
    }

    @discardableResult
    public func appendAudit(actor: String, action: String, target: String, details: JSON, now: Date) async throws -> Int64 {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                INSERT INTO audit_log (at, actor, action, target, details)
                VALUES (\(now.pgValue), \(actor), \(action), \(target), \(details.serialized())) RETURNING id
                """, logger: logger)[0]["id"]
        }
    }

    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        var statement = SQLStatement("SELECT * FROM audit_log")
        var conditions: [String] = []
        if let actor = query.actor { conditions.append("actor = \(statement.bind(actor))") }
        if let action = query.action {
            if action.hasSuffix(".") {
                // A prefix, compared literally (no LIKE, so `_` and `%` in it mean themselves).
                conditions.append("starts_with(action, \(statement.bind(action)))")
            } else {
                conditions.append("action = \(statement.bind(action))")
            }
        }
        if let before = query.before { conditions.append("id < \(statement.bind(before))") }
        if !conditions.isEmpty { statement.text += " WHERE " + conditions.joined(separator: " AND ") }
        statement.text += " ORDER BY id DESC LIMIT \(statement.bind(query.limit))"
        let finished = statement
        let logger = logger
        return try await connection { connection in
            try await connection.rows(finished, logger: logger).map { row in
                AuditEntry(
                    id: try row["id"], at: try row.date("at"), actor: try row["actor"], action: try row["action"],
                    target: try row["target"], details: decodeJSONText(try row["details", as: String.self]) ?? .null)
            }
        }
    }

    static func user(_ row: PGRow) throws -> UserRecord {
        UserRecord(
            username: try row["username"], role: try row["role"], passwordHash: try row["password_hash"],
            createdAt: try row.date("created_at"))
    }
}
