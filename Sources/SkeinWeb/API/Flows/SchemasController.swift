import Hummingbird
import SkeinCore
import SkeinJSON

/// What flow files may say, for editors and the browser's flow builder (viewer): the JSON Schema
/// of flow files (`GET /api/v1/schemas/flow`, the same as `skein flow schema`) and the shape specs
/// it is generated from (`GET /api/v1/schemas/shapes`, as `skein flow schema --specs`). Both come
/// from this server's shape catalog, so they list exactly the shape types it can run.
struct SchemasController: Sendable {
    let documents: [String: JSON]

    init(catalog: ShapeCatalog) {
        documents = ["flow": FlowSchema.document(catalog: catalog), "shapes": SpecJSON.document(catalog: catalog)]
    }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        for name in documents.keys { group.get("schemas/\(name)") { _, context in try self.show(name, context: context) } }
    }

    func show(_ name: String, context: SkeinRequestContext) throws -> Response {
        _ = try context.require(.viewer)
        return JSONResponse.ok(documents[name] ?? .null)
    }
}
