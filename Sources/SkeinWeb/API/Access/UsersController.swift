import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations

/// Users and API tokens (admin): `GET/POST /users`, `PATCH/DELETE /users/{name}` (role and/or
/// password), `GET/POST /tokens` (the new token is in the answer once), `DELETE /tokens/{id}`.
struct UsersController: Sendable {
    let operations: Operations

    var users: AccessOperations { operations.users }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("users") { _, context in
            JSONResponse.ok(["users": .array(try await users.users(context.identity).map(APIJSON.user))])
        }
        group.post("users") { request, context in
            try Permission.administer.require(context.identity)
            let body = try await Self.body(request)
            let user = try await users.createUser(
                context.identity, username: try body.string("username", required: true) ?? "",
                role: try Self.role(body) ?? .viewer, password: try body.string("password", required: true) ?? "")
            return JSONResponse.make(status: .created, APIJSON.user(user))
        }
        group.patch("users/:name") { request, context in
            try Permission.administer.require(context.identity)
            let body = try await Self.body(request)
            let user = try await users.updateUser(
                context.identity, username: try context.string("name"), role: try Self.role(body),
                password: try body.string("password"))
            return JSONResponse.ok(APIJSON.user(user))
        }
        group.delete("users/:name") { _, context in
            try await users.deleteUser(context.identity, username: try context.string("name"))
            return Response(status: .noContent)
        }
        group.get("tokens") { _, context in
            JSONResponse.ok(["tokens": .array(try await users.tokens(context.identity).map(APIJSON.token))])
        }
        group.post("tokens") { request, context in
            try Permission.administer.require(context.identity)
            let body = try await Self.body(request)
            let created = try await users.createToken(
                context.identity, name: try body.string("name", required: true) ?? "",
                username: try body.string("username"), role: try Self.role(body))
            var object = APIJSON.token(created.record).objectValue ?? [:]
            object["token"] = .string(created.token)
            return JSONResponse.make(status: .created, .object(object))
        }
        group.delete("tokens/:id") { _, context in
            try await users.revokeToken(context.identity, id: try context.int64("id"))
            return Response(status: .noContent)
        }
    }

    /// The body (read after the permission check, so a viewer learns nothing from a bad body).
    static func body(_ request: Request) async throws -> JSON.Object {
        var request = request
        return try await request.jsonObject()
    }

    static func role(_ body: JSON.Object) throws -> Role? {
        try body.string("role").map { text throws(OperationError) in try AccessOperations.role(text) }
    }
}
