import Foundation
public import SkeinCore
import SkeinJSON
import SkeinStorage

/// Users, API tokens and the audit log (admin), over `AccessService`.
public struct AccessOperations: Sendable {
    let service: AccessService
    let audit: AuditTrail

    var store: any AccessStore { service.store }

    /// A role by name, or `invalid_field` naming `field`.
    public static func role(_ text: String, field: String = "role") throws(OperationError) -> Role {
        guard let role = Role(rawValue: text) else {
            throw .invalid(field, "\(field) must be \(Role.namesForMessages), not '\(text)'")
        }
        return role
    }

    public func users(_ caller: Identity?) async throws -> [UserRecord] {
        try Permission.administer.require(caller)
        return try await store.users()
    }

    /// Adds a user (password bcrypt-hashed).
    public func createUser(_ caller: Identity?, username: String, role: Role, password: String) async throws -> UserRecord {
        let caller = try Permission.administer.require(caller)
        let user = try await checked { try await service.createUser(username: username, role: role, password: password) }
        try await audit.record(caller, "user.create", target: "user:\(username)", details: ["role": .string(role.rawValue)])
        return user
    }

    /// Changes a user's role and/or password (a new password ends their sessions).
    public func updateUser(_ caller: Identity?, username: String, role: Role?, password: String?) async throws -> UserRecord {
        let caller = try Permission.administer.require(caller)
        guard role != nil || password != nil else { throw OperationError.invalid("role", "give role and/or password") }
        var hash: String?
        if let password {
            try await checked { try AccessService.validate(password: password) }
            hash = try await service.hasher.hash(password)
        }
        guard try await store.updateUser(named: username, role: role?.rawValue, passwordHash: hash) else {
            throw OperationError.notFound("no user named '\(username)'")
        }
        if role == nil {
            try await audit.record(caller, "user.password", target: "user:\(username)")
        } else {
            try await audit.record(
                caller, "user.update", target: "user:\(username)",
                details: ["role": role.map { .string($0.rawValue) } ?? .null, "password_changed": .bool(password != nil)])
        }
        guard let user = try await store.user(named: username) else { throw OperationError.notFound("no user named '\(username)'") }
        return user
    }

    /// Removes a user with their sessions and tokens; nobody removes themselves.
    public func deleteUser(_ caller: Identity?, username: String) async throws {
        let caller = try Permission.administer.require(caller)
        guard username != caller.username || caller.method == .local else {
            throw OperationError.conflict("you cannot remove yourself; another admin can")
        }
        guard try await store.deleteUser(named: username) else { throw OperationError.notFound("no user named '\(username)'") }
        try await audit.record(caller, "user.delete", target: "user:\(username)")
    }

    public func tokens(_ caller: Identity?) async throws -> [APITokenRecord] {
        try Permission.administer.require(caller)
        return try await store.tokens()
    }

    /// A new token for `username` (default: the caller), returned once in clear; its role is
    /// `role` capped by the owner's.
    public func createToken(_ caller: Identity?, name: String, username: String?, role: Role?) async throws -> (token: String, record: APITokenRecord) {
        let caller = try Permission.administer.require(caller)
        let owner = username ?? caller.username
        let created = try await checked { try await service.createToken(name: name, username: owner, role: role) }
        try await audit.record(
            caller, "token.create", target: "token:\(created.record.id)",
            details: ["name": .string(name), "user": .string(owner), "role": .string(created.record.role)])
        return created
    }

    public func revokeToken(_ caller: Identity?, id: Int64) async throws {
        let caller = try Permission.administer.require(caller)
        guard try await store.revokeToken(id: id) else { throw OperationError.notFound("no token \(id)") }
        try await audit.record(caller, "token.revoke", target: "token:\(id)")
    }

    /// The audit log, newest first: `actor`, `action` (or a prefix ending in '.'), `before`, `limit`.
    public func auditLog(_ caller: Identity?, _ parameters: Inputs) async throws -> (entries: [AuditEntry], nextBefore: Int64?) {
        try Permission.administer.require(caller)
        let limit = try parameters.int("limit", in: 1...500) ?? 50
        let entries = try await store.auditEntries(
            AuditQuery(
                actor: parameters.string("actor"), action: parameters.string("action"),
                before: try parameters.int64("before"), limit: limit))
        return (entries, entries.count == limit ? entries.last?.id : nil)
    }

    /// Runs an access change, turning its bad-input errors into `invalid_field` and a taken name into `conflict`.
    func checked<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch AccessError.invalid(let field, let message) { throw OperationError.invalid(field, message) } catch let error
            as StorageError where error.code == .conflict
        { throw OperationError.conflict(error.message) }
    }
}
