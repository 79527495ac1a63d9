import Hummingbird
import SkeinJSON
import SkeinCore
import SkeinStorage

/// `GET /api/v1/audit` (admin): who changed or re-ran what, newest first; filters `actor`,
/// `action` (or a prefix ending in '.', e.g. `run.`), keyset pages with `before`.
struct AuditController: Sendable {
    let store: any AuditLog

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("audit") { request, context in
            _ = try context.require(.admin)
            let query = Query(request)
            let limit = try query.int("limit", in: 1...500) ?? 50
            let entries = try await store.auditEntries(AuditQuery(actor: query.string("actor"), action: query.string("action"),
                                                                  before: try query.int64("before"), limit: limit))
            let next: JSON = entries.count == limit ? entries.last.map { APIJSON.number($0.id) } ?? .null : .null
            return JSONResponse.ok(["entries": .array(entries.map(APIJSON.audit)), "next_before": next])
        }
    }
}
