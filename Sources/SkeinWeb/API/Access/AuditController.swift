import Hummingbird
import SkeinJSON
import SkeinOperations

/// `GET /api/v1/audit` (admin): who changed or re-ran what, newest first; filters `actor`,
/// `action` (or a prefix ending in '.', e.g. `run.`), keyset pages with `before`.
struct AuditController: Sendable {
    let operations: Operations

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("audit") { request, context in
            let (entries, next) = try await operations.users.auditLog(context.identity, Inputs(request))
            return JSONResponse.ok(["entries": .array(entries.map(APIJSON.audit)), "next_before": next.map(APIJSON.number) ?? .null])
        }
    }
}
