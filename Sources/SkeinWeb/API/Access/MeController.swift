import Hummingbird
import SkeinJSON
import SkeinOperations

/// `GET /api/v1/me`: who the caller is, their role and (for sessions) the CSRF token that
/// `fetch` calls send as `X-CSRF-Token`.
struct MeController: Sendable {
    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("me") { _, context in
            let identity = try context.caller()
            return JSONResponse.make(
                status: .ok,
                [
                    "username": .string(identity.username), "role": .string(identity.role.rawValue),
                    "method": .string(identity.method.rawValue),
                    "csrf_token": identity.csrfToken.map(JSON.string) ?? .null,
                ])
        }
    }
}
