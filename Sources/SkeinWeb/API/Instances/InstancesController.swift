import Foundation
import Hummingbird
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// Connector instances. Credentials are write-only: `PUT` takes them (sealed before storing);
/// answers list only their names. A `PUT` without `credentials` keeps the stored ones; with
/// them it replaces them, except that an empty value keeps the stored secret of that name.
/// Reads: viewer; create, update, delete: builder; test: operator.
struct InstancesController: Sendable {
    let store: any InstanceStore
    let access: AccessService
    let resolver: StoredInstanceResolver?
    let test: @Sendable (String) async -> (ok: Bool, message: String)
    /// Removal (refused while flows use the instance), shared with the CLI.
    let operations: Operations

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("instances") { _, context in try await self.list(context: context) }
        group.get("instances/:name") { _, context in try await self.show(context: context) }
        group.put("instances/:name") { request, context in try await self.save(request, context: context) }
        group.delete("instances/:name") { _, context in try await self.delete(context: context) }
        group.post("instances/:name/test") { _, context in try await self.runTest(context: context) }
    }

    func json(_ stored: StoredInstance) async -> JSON {
        let names = (try? await resolver?.instance(named: stored.name).credentials.keys.sorted()) ?? []
        return [
            "name": .string(stored.name), "type": .string(stored.connectorType), "address": .string(stored.address),
            "time_zone": .string(stored.timeZone), "rate_limit": stored.rateLimit.map(JSON.string) ?? .null,
            "timeout_ms": APIJSON.number(stored.timeoutMilliseconds),
            "variables": .object(.init(uniqueKeysWithValues: stored.variables.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) })),
            "settings": stored.settings, "credentials": .array(names.map(JSON.string)), "updated_at": APIJSON.iso(stored.updatedAt),
        ]
    }

    func stored(_ context: SkeinRequestContext) async throws -> StoredInstance {
        let name = try context.string("name")
        guard let stored = try await store.storedInstance(named: name) else { throw APIError(.notFound, "no instance named '\(name)'") }
        return stored
    }

    func list(context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        var items: [JSON] = []
        for stored in try await store.storedInstances() { items.append(await json(stored)) }
        return JSONResponse.ok(["instances": .array(items)])
    }

    func show(context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        return JSONResponse.ok(await json(try await stored(context)))
    }

    func save(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        try Permission.build.require(context.identity)
        var request = request
        let body = try await request.jsonObject()
        let change = InstanceOperations.Change(
            name: try context.string("name"), type: try body.string("type"), address: try body.string("address"),
            timeZone: try body.string("time_zone"), rateLimit: try body.string("rate_limit"), timeoutMilliseconds: try body.int("timeout_ms"),
            variables: try body.strings("variables"), settings: body["settings"].flatMap { $0 == .null ? nil : $0 },
            credentials: try body.strings("credentials"))
        let saved = try await operations.instances.save(context.identity, change, sealer: resolver)
        return JSONResponse.make(status: saved.created ? .created : .ok, await json(saved.instance))
    }

    func delete(context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        try await operations.instances.delete(identity, name: try context.string("name"))
        return Response(status: .noContent)
    }

    func runTest(context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        let stored = try await stored(context)
        let result = await test(stored.name)
        try await access.audit(identity, "instance.test", target: "instance:\(stored.name)", details: ["ok": .bool(result.ok)])
        return JSONResponse.ok(["name": .string(stored.name), "ok": .bool(result.ok), "message": .string(result.message)])
    }
}
