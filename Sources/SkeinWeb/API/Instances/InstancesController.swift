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
        let identity = try context.require(.builder)
        guard let resolver else { throw APIError(.misconfigured, "this server cannot seal credentials") }
        var request = request
        let body = try await request.jsonObject()
        let name = try context.string("name")
        do { try InstanceRules.check(name: name) } catch { throw APIError.invalid(error.field, error.message) }
        let existing = try await store.storedInstance(named: name)
        guard let type = try body.string("type") ?? existing?.connectorType else {
            throw APIError.invalid("type", "type is required (\(InstanceRules.connectorTypes.joined(separator: ", ")))")
        }
        guard let address = try body.string("address") ?? existing?.address else { throw APIError.invalid("address", "address is required") }
        var rateLimit: RateLimit? = existing?.rateLimit.flatMap(RateLimit.init)
        if let text = try body.string("rate_limit") {
            guard let parsed = RateLimit(text) else { throw APIError.invalid("rate_limit", "rate_limit '\(text)': use N/s, N/minute or N/hour") }
            rateLimit = parsed
        }
        let timeoutMs = try body.int("timeout_ms") ?? existing?.timeoutMilliseconds ?? 30_000
        guard timeoutMs > 0 else { throw APIError.invalid("timeout_ms", "timeout_ms must be positive") }
        let variables = try body.strings("variables") ?? existing?.variables ?? [:]
        var credentials = try body.strings("credentials")
        let keepsSome = credentials?.values.contains("") ?? false
        var previous: [String: String]?
        if existing != nil, credentials == nil || keepsSome {
            let stored: [String: String]
            do { stored = try await resolver.instance(named: name).credentials } catch {
                throw APIError(.conflict, "the stored credentials cannot be opened (\(error)); send credentials to replace them")
            }
            previous = stored
            // An empty value keeps the stored secret of that name (the web UI's blank password field).
            credentials =
                credentials.map { given in
                    Dictionary(uniqueKeysWithValues: given.map { key, value in (key, value.isEmpty ? stored[key] ?? "" : value) })
                } ?? stored
        }
        if let empty = credentials?.first(where: { $0.value.isEmpty })?.key {
            throw APIError.invalid("credentials", "credential '\(empty)' is empty and no stored value of that name can be kept")
        }
        let settings = body["settings"] ?? existing?.settings ?? [:]
        guard case .object = settings else { throw APIError.invalid("settings", "settings must be an object") }
        let instance = Instance(
            name: name, connectorType: type, address: address, timeZone: try body.string("time_zone") ?? existing?.timeZone ?? "UTC",
            rateLimit: rateLimit, timeout: .milliseconds(timeoutMs), variables: variables, settings: settings,
            credentials: credentials ?? [:])
        do { try InstanceRules.check(instance) } catch { throw APIError.invalid(error.field, error.message) }
        let sealed = try resolver.seal(instance, now: access.now())
        try await store.saveInstance(sealed)
        try await access.audit(
            identity, existing == nil ? "instance.create" : "instance.update", target: "instance:\(name)",
            details: ["credentials_changed": .bool(body["credentials"] != nil && credentials != previous)])
        return JSONResponse.make(status: existing == nil ? .created : .ok, await json(sealed))
    }

    func delete(context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        do { try await operations.instances.delete(identity, name: try context.string("name")) } catch let error as OperationError { throw APIError(error) }
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
