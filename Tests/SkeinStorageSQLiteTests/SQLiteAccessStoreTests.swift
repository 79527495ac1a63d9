import Foundation
import Testing
import SkeinJSON
import SkeinStorage
import SkeinStorageSQLite

@Suite struct SQLiteAccessStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func user(_ name: String, role: String = "viewer") -> UserRecord {
        UserRecord(username: name, role: role, passwordHash: "$2b$04$hash-of-\(name)", createdAt: t0)
    }

    @Test func usersAreUniqueByNameAndCanBeChanged() async throws {
        try await withStore { store, _ in
            try await store.createUser(user("alice"))
            await #expect(throws: StorageError.self) { try await store.createUser(user("alice", role: "admin")) }
            #expect(try await store.userCount() == 1)
            #expect(try await store.updateUser(named: "alice", role: "operator", passwordHash: nil))
            #expect(try await store.user(named: "alice")?.role == "operator")
            #expect(try await store.updateUser(named: "nobody", role: "admin", passwordHash: nil) == false)
            #expect(try await store.users().map(\.username) == ["alice"])
        }
    }

    @Test func sessionsExpireAndEndWhenThePasswordChanges() async throws {
        try await withStore { store, _ in
            try await store.createUser(user("alice"))
            try await store.createSession(SessionRecord(idHash: "h1", username: "alice", csrfToken: "c1", createdAt: t0,
                                                        expiresAt: t0.addingTimeInterval(3600)))
            #expect(try await store.session(idHash: "h1", now: t0.addingTimeInterval(10))?.0.csrfToken == "c1")
            #expect(try await store.session(idHash: "h1", now: t0.addingTimeInterval(3601)) == nil)
            #expect(try await store.session(idHash: "other", now: t0) == nil)
            #expect(try await store.pruneSessions(now: t0.addingTimeInterval(10)) == 0)
            #expect(try await store.updateUser(named: "alice", role: nil, passwordHash: "$2b$04$new"))
            #expect(try await store.session(idHash: "h1", now: t0.addingTimeInterval(10)) == nil)
            #expect(try await store.user(named: "alice")?.passwordHash == "$2b$04$new")
            try await store.createSession(SessionRecord(idHash: "h2", username: "alice", csrfToken: "c2", createdAt: t0,
                                                        expiresAt: t0.addingTimeInterval(60)))
            #expect(try await store.pruneSessions(now: t0.addingTimeInterval(61)) == 1)
        }
    }

    @Test func tokensAreFoundByHashAndGoWithTheirUser() async throws {
        try await withStore { store, _ in
            try await store.createUser(user("bot", role: "operator"))
            let token = try await store.createToken(name: "ci", username: "bot", role: "viewer", tokenHash: "th", now: t0)
            let found = try await store.useToken(hash: "th", now: t0.addingTimeInterval(120))
            #expect(found?.0.id == token.id)
            #expect(found?.1.role == "operator")
            #expect(try await store.tokens().first?.lastUsedAt == t0.addingTimeInterval(120))
            #expect(try await store.useToken(hash: "wrong", now: t0) == nil)
            await #expect(throws: StorageError.self) {
                _ = try await store.createToken(name: "x", username: "ghost", role: "viewer", tokenHash: "t2", now: t0)
            }
            #expect(try await store.deleteUser(named: "bot"))
            #expect(try await store.useToken(hash: "th", now: t0) == nil)
            #expect(try await store.tokens().isEmpty)
            #expect(try await store.deleteUser(named: "bot") == false)
        }
    }

    @Test func revokedTokensStopWorking() async throws {
        try await withStore { store, _ in
            try await store.createUser(user("bot"))
            let token = try await store.createToken(name: "ci", username: "bot", role: "viewer", tokenHash: "th", now: t0)
            #expect(try await store.revokeToken(id: token.id))
            #expect(try await store.useToken(hash: "th", now: t0) == nil)
            #expect(try await store.revokeToken(id: token.id) == false)
        }
    }

    @Test func theAuditLogIsNewestFirstFilteredAndPaged() async throws {
        try await withStore { store, _ in
            for index in 0..<5 {
                try await store.appendAudit(actor: index % 2 == 0 ? "alice" : "bob", action: index < 3 ? "run.replay" : "flow.deploy",
                                            target: "run:\(index)", details: ["n": .number(Double(index))], now: t0.addingTimeInterval(Double(index)))
            }
            let all = try await store.auditEntries(AuditQuery(limit: 10))
            #expect(all.map(\.target) == ["run:4", "run:3", "run:2", "run:1", "run:0"])
            #expect(all.first?.details == ["n": 4])
            #expect(try await store.auditEntries(AuditQuery(actor: "bob")).map(\.target) == ["run:3", "run:1"])
            #expect(try await store.auditEntries(AuditQuery(action: "run.")).count == 3)
            #expect(try await store.auditEntries(AuditQuery(action: "run")).isEmpty)
            let page = try await store.auditEntries(AuditQuery(limit: 2))
            #expect(try await store.auditEntries(AuditQuery(before: page.last?.id, limit: 2)).map(\.target) == ["run:2", "run:1"])
        }
    }
}
