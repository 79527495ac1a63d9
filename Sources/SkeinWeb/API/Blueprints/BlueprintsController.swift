import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations

/// Blueprints over the API: `GET /api/v1/blueprints` and `GET /api/v1/blueprints/{name}`
/// (viewer) answer the same JSON as `skein blueprint list|show --json` (`BlueprintJSON`);
/// `POST /api/v1/blueprints/{name}/install` (builder) installs one as `skein blueprint install`
/// does, with the credentials' values in the body (write-only: never answered, logged or audited).
struct BlueprintsController: Sendable {
    let operations: Operations
    let target: (any BlueprintInstallTarget)?

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("blueprints") { _, context in
            JSONResponse.ok(["blueprints": .array(try operations.blueprints.list(context.identity).map(BlueprintJSON.summary))])
        }
        group.get("blueprints/:name") { _, context in
            JSONResponse.ok(BlueprintJSON.detail(try operations.blueprints.blueprint(context.identity, try context.string("name"))))
        }
        group.post("blueprints/:name/install") { request, context in try await self.install(request, context: context) }
    }

    /// Body: `{"settings": {NAME: VALUE}, "credentials": {NAME: SECRET}, "addresses": {INSTANCE: URL}, "replace": false}`.
    func install(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.builder)
        guard let target else { throw APIError(.misconfigured, "this server cannot seal credentials, so it cannot install blueprints") }
        var request = request
        let body = try await request.jsonObject(allowEmpty: true)
        for key in body.keys where !["settings", "credentials", "addresses", "replace"].contains(key) {
            throw APIError.invalid(key, "unknown field '\(key)' (the body takes settings, credentials, addresses and replace)")
        }
        let install = BlueprintInstallRequest(
            settings: try body.strings("settings") ?? [:], credentials: try body.strings("credentials") ?? [:],
            addresses: try body.strings("addresses") ?? [:], replace: try body.bool("replace") ?? false)
        let report = try await operations.blueprints.install(context.identity, try context.string("name"), install, into: target)
        return JSONResponse.make(
            status: .created,
            [
                "blueprint": .string(report.blueprint), "instances": .array(report.instances.map(JSON.string)),
                "lookups": .array(report.lookups.map(JSON.string)),
                "flows": .array(report.flows.map { ["id": .string($0.id), "version": APIJSON.number($0.version)] }),
                "replaced": .array(report.replaced.map(JSON.string)),
            ])
    }
}
