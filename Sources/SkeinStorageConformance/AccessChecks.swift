import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Users, sessions, API tokens, the audit log and the dashboard's run counts.
enum AccessChecks {
    static func user(_ name: String, role: String = "viewer") -> UserRecord {
        UserRecord(username: name, role: role, passwordHash: "$2b$04$hash-of-\(name)", createdAt: t0)
    }

    static let all: [ConformanceCheck] = [
        ConformanceCheck("users are unique by name and can be changed and listed") { open in
            let store = try await open()
            try await store.createUser(user("alice"))
            try await expectStorageError(.conflict) { try await store.createUser(user("alice", role: "admin")) }
            try await store.createUser(user("bob", role: "admin"))
            try expectEqual(try await store.userCount(), 2)
            try expect(try await store.updateUser(named: "alice", role: "operator", passwordHash: nil))
            try expectEqual(
                try await store.user(named: "alice"),
                UserRecord(
                    username: "alice", role: "operator",
                    passwordHash: "$2b$04$hash-of-alice", createdAt: t0))
            try expect(try await store.updateUser(named: "nobody", role: "admin", passwordHash: nil) == false)
            try expectEqual(try await store.users().map(\.username), ["alice", "bob"])
            try expect(try await store.user(named: "carol") == nil)
        },
        ConformanceCheck("sessions expire, are pruned, and end when the password changes") { open in
            let store = try await open()
            try await store.createUser(user("alice"))
            try await store.createSession(SessionRecord(idHash: "h1", username: "alice", csrfToken: "c1", createdAt: t0, expiresAt: t0 + 3600))
            try await store.createSession(SessionRecord(idHash: "h2", username: "alice", csrfToken: "c2", createdAt: t0, expiresAt: t0 + 60))
            let found = try unwrap(try await store.session(idHash: "h1", now: t0 + 10))
            try expectEqual(found.0, SessionRecord(idHash: "h1", username: "alice", csrfToken: "c1", createdAt: t0, expiresAt: t0 + 3600))
            try expectEqual(found.1.username, "alice")
            try expect(try await store.session(idHash: "h1", now: t0 + 3601) == nil, "expired")
            try expect(try await store.session(idHash: "other", now: t0) == nil)
            try expectEqual(try await store.pruneSessions(now: t0 + 61), 1)
            try await store.deleteSession(idHash: "h1")
            try expect(try await store.session(idHash: "h1", now: t0 + 10) == nil, "signed out")
            try await store.createSession(SessionRecord(idHash: "h3", username: "alice", csrfToken: "c3", createdAt: t0, expiresAt: t0 + 3600))
            try expect(try await store.updateUser(named: "alice", role: nil, passwordHash: "$2b$04$new"))
            try expect(try await store.session(idHash: "h3", now: t0 + 10) == nil, "a new password ends the sessions")
            try expectEqual(try await store.user(named: "alice")?.passwordHash, "$2b$04$new")
            try expectEqual(try await store.user(named: "alice")?.role, "viewer", "the role is unchanged")
        },
        ConformanceCheck("API tokens are found by hash, note their use, and go with their user") { open in
            let store = try await open()
            try await store.createUser(user("bot", role: "operator"))
            let token = try await store.createToken(name: "ci", username: "bot", role: "viewer", tokenHash: "th", now: t0)
            try expect(token.lastUsedAt == nil && token.name == "ci" && token.role == "viewer")
            let found = try unwrap(try await store.useToken(hash: "th", now: t0 + 120))
            try expectEqual(found.0.id, token.id)
            try expectEqual(found.1.role, "operator")
            try expectEqual(try await store.tokens().first?.lastUsedAt, t0 + 120)
            _ = try await store.useToken(hash: "th", now: t0 + 130)
            try expectEqual(try await store.tokens().first?.lastUsedAt, t0 + 120, "written at most once a minute")
            try expect(try await store.useToken(hash: "wrong", now: t0) == nil)
            try await expectStorageError(.notFound) {
                _ = try await store.createToken(name: "x", username: "ghost", role: "viewer", tokenHash: "t2", now: t0)
            }
            try expect(try await store.deleteUser(named: "bot"))
            try expect(try await store.useToken(hash: "th", now: t0) == nil)
            try expect(try await store.tokens().isEmpty)
            try expect(try await store.deleteUser(named: "bot") == false)
        },
        ConformanceCheck("revoked tokens stop working") { open in
            let store = try await open()
            try await store.createUser(user("bot"))
            let token = try await store.createToken(name: "ci", username: "bot", role: "viewer", tokenHash: "th", now: t0)
            try expect(try await store.revokeToken(id: token.id))
            try expect(try await store.useToken(hash: "th", now: t0) == nil)
            try expect(try await store.revokeToken(id: token.id) == false)
        },
        ConformanceCheck("the audit log is newest first, filtered by actor and action prefix, and paged") { open in
            let store = try await open()
            for index in 0..<5 {
                try await store.appendAudit(
                    actor: index % 2 == 0 ? "alice" : "bob", action: index < 3 ? "run.replay" : "flow.deploy",
                    target: "run:\(index)", details: ["n": .number(Double(index))], now: t0 + Double(index))
            }
            try await store.appendAudit(actor: "carol", action: "run_x.odd", target: "x", details: .null, now: t0 + 9)
            let all = try await store.auditEntries(AuditQuery(limit: 10))
            try expectEqual(all.map(\.target), ["x", "run:4", "run:3", "run:2", "run:1", "run:0"])
            try expectEqual(all[1].details, ["n": 4])
            try expectEqual(all[1].at, t0 + 4)
            try expectEqual(try await store.auditEntries(AuditQuery(actor: "bob")).map(\.target), ["run:3", "run:1"])
            try expectEqual(try await store.auditEntries(AuditQuery(action: "run.")).count, 3)
            try expect(try await store.auditEntries(AuditQuery(action: "run")).isEmpty, "an action without '.' matches exactly")
            try expectEqual(try await store.auditEntries(AuditQuery(action: "run_x.")).map(\.target), ["x"])
            let page = try await store.auditEntries(AuditQuery(limit: 2))
            try expectEqual(try await store.auditEntries(AuditQuery(before: page.last?.id, limit: 2)).map(\.target), ["run:3", "run:2"])
        },
        ConformanceCheck("run counts cover the runs queued in the window, by status") { open in
            let store = try await open()
            _ = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api), now: t0 - 7200)
            _ = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api), now: t0)
            let done = try await store.startClaimed(NewRun(flowID: "f", flowVersion: 1, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0 + 1)
            try await store.finishRun(runID: done.id, status: .success, error: nil, failedShapeID: nil, now: t0 + 2)
            let failed = try await store.startClaimed(NewRun(flowID: "g", flowVersion: 1, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0 + 3)
            try await store.finishRun(runID: failed.id, status: .failure, error: "boom", failedShapeID: nil, now: t0 + 4)
            _ = try await store.startClaimed(NewRun(flowID: "g", flowVersion: 1, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0 + 5)
            try expectEqual(try await store.runCounts(since: t0 - 60), [.queued: 1, .success: 1, .failure: 1, .started: 1])
            try expectEqual(try await store.runCounts(since: t0 - 86400)[.queued], 2)
            try expect(try await store.runCounts(since: t0 + 60).isEmpty)
        },
    ]
}

/// Expects `body` to throw a `StorageError` with `code`.
func expectStorageError(
    _ code: StorageError.Code, file: StaticString = #fileID, line: UInt = #line,
    _ body: () async throws -> Void
) async throws {
    do {
        try await body()
    } catch let error as StorageError where error.code == code {
        return
    } catch {
        throw ConformanceFailure(description: "\(file):\(line): threw \(error), expected StorageError(.\(code))")
    }
    throw ConformanceFailure(description: "\(file):\(line): did not throw, expected StorageError(.\(code))")
}
