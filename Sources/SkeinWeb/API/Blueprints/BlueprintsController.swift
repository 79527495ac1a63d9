import Hummingbird
import SkeinJSON
import SkeinOperations

/// `GET /api/v1/blueprints` and `GET /api/v1/blueprints/{name}` (viewer): the blueprints this
/// server knows and, for one, what it creates and the settings and credentials an install needs —
/// the same JSON as `skein blueprint list|show --json` (`BlueprintJSON`).
struct BlueprintsController: Sendable {
    let operations: Operations

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("blueprints") { _, context in
            JSONResponse.ok(["blueprints": .array(try operations.blueprints.list(context.identity).map(BlueprintJSON.summary))])
        }
        group.get("blueprints/:name") { _, context in
            let name = try context.string("name")
            return JSONResponse.ok(BlueprintJSON.detail(try operations.blueprints.blueprint(context.identity, name)))
        }
    }
}
