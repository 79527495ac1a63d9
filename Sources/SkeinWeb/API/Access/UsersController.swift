import Hummingbird
import SkeinJSON
import SkeinStorage

/// Users and API tokens (admin): `GET/POST /users`, `PATCH/DELETE /users/{name}` (role and/or
/// password), `GET/POST /tokens` (the new token is in the answer once), `DELETE /tokens/{id}`.
struct UsersController: Sendable {
    let store: any UserStore & APITokenStore
    let access: AccessService

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("users") { _, context in
            _ = try context.require(.admin)
            return JSONResponse.ok(["users": .array(try await store.users().map(APIJSON.user))])
        }
        group.post("users") { request, context in try await self.create(request, context: context) }
        group.patch("users/:name") { request, context in try await self.update(request, context: context) }
        group.delete("users/:name") { _, context in try await self.delete(context: context) }
        group.get("tokens") { _, context in
            _ = try context.require(.admin)
            return JSONResponse.ok(["tokens": .array(try await store.tokens().map(APIJSON.token))])
        }
        group.post("tokens") { request, context in try await self.createToken(request, context: context) }
        group.delete("tokens/:id") { _, context in try await self.revokeToken(context: context) }
    }

    static func role(_ body: JSON.Object) throws -> Role? {
        guard let text = try body.string("role") else { return nil }
        guard let role = Role(rawValue: text) else { throw APIError.invalid("role", "role must be viewer, operator, builder or admin, not '\(text)'") }
        return role
    }

    /// Runs an access operation, turning its bad-input errors into 400s naming the field.
    func checked<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch AccessError.invalid(let field, let message) { throw APIError.invalid(field, message) }
        catch let error as StorageError where error.code == .conflict { throw APIError(.conflict, error.message) }
    }

    func create(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.admin)
        var request = request
        let body = try await request.jsonObject()
        let username = try body.string("username", required: true) ?? ""
        let password = try body.string("password", required: true) ?? ""
        let role = try Self.role(body) ?? .viewer
        let user = try await checked { try await access.createUser(username: username, role: role, password: password) }
        try await access.audit(identity, "user.create", target: "user:\(username)", details: ["role": .string(role.rawValue)])
        return JSONResponse.make(status: .created, APIJSON.user(user))
    }

    func update(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.admin)
        var request = request
        let body = try await request.jsonObject()
        let username = try context.string("name")
        let role = try Self.role(body)
        let password = try body.string("password")
        guard role != nil || password != nil else { throw APIError.invalid("role", "give role and/or password") }
        var hash: String?
        if let password {
            try await checked { try AccessService.validate(password: password) }
            hash = try await access.hasher.hash(password)
        }
        guard try await store.updateUser(named: username, role: role?.rawValue, passwordHash: hash) else {
            throw APIError(.notFound, "no user named '\(username)'")
        }
        try await access.audit(identity, "user.update", target: "user:\(username)",
                               details: ["role": role.map { .string($0.rawValue) } ?? .null, "password_changed": .bool(password != nil)])
        guard let user = try await store.user(named: username) else { throw APIError(.notFound, "no user named '\(username)'") }
        return JSONResponse.ok(APIJSON.user(user))
    }

    func delete(context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.admin)
        let username = try context.string("name")
        guard username != identity.username else { throw APIError(.conflict, "you cannot remove yourself; another admin can") }
        guard try await store.deleteUser(named: username) else { throw APIError(.notFound, "no user named '\(username)'") }
        try await access.audit(identity, "user.delete", target: "user:\(username)")
        return Response(status: .noContent)
    }

    func createToken(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.admin)
        var request = request
        let body = try await request.jsonObject()
        let name = try body.string("name", required: true) ?? ""
        let username = try body.string("username") ?? identity.username
        let role = try Self.role(body)
        let created = try await checked { try await access.createToken(name: name, username: username, role: role) }
        try await access.audit(identity, "token.create", target: "token:\(created.record.id)",
                               details: ["name": .string(name), "user": .string(username), "role": .string(created.record.role)])
        var object = APIJSON.token(created.record).objectValue ?? [:]
        object["token"] = .string(created.token)
        return JSONResponse.make(status: .created, .object(object))
    }

    func revokeToken(context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.admin)
        let id = try context.int64("id")
        guard try await store.revokeToken(id: id) else { throw APIError(.notFound, "no token \(id)") }
        try await access.audit(identity, "token.revoke", target: "token:\(id)")
        return Response(status: .noContent)
    }
}
