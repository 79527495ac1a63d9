import Hummingbird
import SkeinEngine
import SkeinStorage

/// Every route under /api/v1, area by area. `OpenAPIDocument` describes the same routes; a
/// test checks the two agree.
enum APIRoutes {
    static func add(to router: Router<SkeinRequestContext>, store: any WebServer.Store, services: WebServices, settings: WebSettings) {
        let api = router.group("api/v1")
        MeController(access: services.access).addRoutes(to: api)
        RunsController(store: store, access: services.access).addRoutes(to: api)
        PayloadsController(store: store).addRoutes(to: api)
        RecoveryController(store: store, access: services.access).addRoutes(to: api)
        FlowsController(store: store, access: services.access, catalog: services.catalog).addRoutes(to: api)
        FlowDraftsController(drafting: FlowDrafting(store: store, catalog: services.catalog, now: services.access.now), store: store)
            .addRoutes(to: api)
        SchemasController(catalog: services.catalog).addRoutes(to: api)
        InstancesController(store: store, access: services.access, resolver: services.instances, test: services.testInstance).addRoutes(to: api)
        SyncController(store: store, access: services.access, resender: services.resender).addRoutes(to: api)
        UsersController(store: store, access: services.access).addRoutes(to: api)
        AuditController(store: store).addRoutes(to: api)
        ExprController(store: store).addRoutes(to: api)
        OpenAPIController().addRoutes(to: api)
    }
}
