import Hummingbird
import Logging
import SkeinJSON
import SkeinStorage

/// `GET /health`: 200 `{"status": "ok"}` when the store answers, else 503 with code `unavailable`.
/// For load balancers and monitoring; it reveals nothing about flows or runs.
struct HealthController<Context: RequestContext>: Sendable {
    let store: any StoreHealth

    func addRoutes(to router: Router<Context>) {
        router.get("health") { _, context in try await self.health(context: context) }
    }

    func health(context: Context) async throws -> Response {
        do {
            try await store.checkReachable()
        } catch {
            context.logger.error("health check: the store is unreachable", metadata: ["error": "\(error)"])
            throw APIError(.unavailable, "the store cannot be reached")
        }
        return JSONResponse.make(status: .ok, ["status": "ok"])
    }
}
