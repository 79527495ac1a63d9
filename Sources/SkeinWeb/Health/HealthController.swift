import Hummingbird
import Logging
import SkeinJSON
import SkeinStorage

/// The health endpoints, for load balancers, orchestrators and monitoring. Neither needs signing
/// in, and neither reveals anything about flows or runs.
///
/// - `GET /health` (liveness): 200 `{"status": "ok"}` when the store answers, else 503 with code
///   `unavailable`.
/// - `GET /health/ready` (readiness): 200 `{"status": "ready", …}` when the store answers and its
///   schema has every migration this build needs; else 503 `{"status": "not_ready", …}` saying
///   which. Migrations only a newer Skein knows (during a rolling upgrade) are listed but do not
///   make the process unready. It only reads: it never applies a migration.
///
/// Both answer within `timeout` (5 s by default): a store that does not answer by then counts as
/// unreachable, so a probe never hangs on a database that is down (a PostgreSQL pool can keep a
/// call waiting for a minute while it retries connecting).
struct HealthController<Context: RequestContext>: Sendable {
    let store: any StoreHealth
    var timeout: Duration = .seconds(5)

    func addRoutes(to router: Router<Context>) {
        router.get("health") { _, context in try await self.health(context: context) }
        router.get("health/ready") { _, context in await self.ready(context: context) }
    }

    func health(context: Context) async throws -> Response {
        do {
            try await within(timeout) { [store] in try await store.checkReachable() }
        } catch {
            context.logger.error("health check: the store is unreachable", metadata: ["error": "\(error)"])
            throw APIError(.unavailable, "the store cannot be reached")
        }
        return JSONResponse.make(status: .ok, ["status": "ok"])
    }

    func ready(context: Context) async -> Response {
        let schema: SchemaState
        do {
            schema = try await within(timeout) { [store] in try await store.schemaState() }
        } catch {
            context.logger.error("readiness check: the store is unreachable", metadata: ["error": "\(error)"])
            return JSONResponse.make(status: .serviceUnavailable, ["status": "not_ready", "store": "unreachable"])
        }
        let ready = schema.pending.isEmpty
        var body: JSON.Object = ["status": ready ? "ready" : "not_ready", "store": "reachable", "migrations": ready ? "current" : "pending"]
        if !schema.pending.isEmpty { body["pending_migrations"] = .array(schema.pending.map(JSON.string)) }
        if !schema.unknown.isEmpty { body["newer_migrations"] = .array(schema.unknown.map(JSON.string)) }
        if !ready {
            context.logger.warning("readiness check: migrations are pending", metadata: ["pending": "\(schema.pending)"])
        }
        return JSONResponse.make(status: ready ? .ok : .serviceUnavailable, .object(body))
    }
}

/// A store call that did not finish within the health endpoints' timeout.
struct StoreDidNotAnswer: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "the store did not answer within \(limit)" }
}

/// Runs `body`, giving up with `StoreDidNotAnswer` after `limit` (the call is cancelled).
func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw StoreDidNotAnswer(limit: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
