import Hummingbird
import SkeinEngine
import SkeinStorage

/// Every route under /api/v1, area by area. `OpenAPIDocument` describes the same routes; a
/// test checks the two agree.
enum APIRoutes {
    static func add(to router: Router<SkeinRequestContext>, store: any WebServer.Store, services: WebServices, settings: WebSettings) {
        let api = router.group("api/v1")
        let operations = services.operations
        MeController().addRoutes(to: api)
        RunsController(operations: operations).addRoutes(to: api)
        PayloadsController(operations: operations).addRoutes(to: api)
        RecoveryController(operations: operations).addRoutes(to: api)
        FlowsController(operations: operations).addRoutes(to: api)
        FlowDraftsController(drafting: FlowDrafting(store: store, catalog: services.catalog, now: services.access.now), store: store)
            .addRoutes(to: api)
        SchemasController(catalog: services.catalog).addRoutes(to: api)
        InstancesController(store: store, access: services.access, resolver: services.instances, test: services.testInstance, operations: operations).addRoutes(
            to: api)
        BlueprintsController(operations: operations, target: services.blueprintTarget).addRoutes(to: api)
        SyncController(operations: operations).addRoutes(to: api)
        AlertGroupsController(operations: operations).addRoutes(to: api)
        UsersController(operations: operations).addRoutes(to: api)
        AuditController(operations: operations).addRoutes(to: api)
        ExprController(operations: operations).addRoutes(to: api)
        LookupsController(operations: operations).addRoutes(to: api)
        OpenAPIController().addRoutes(to: api)
    }
}
