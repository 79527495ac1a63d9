import Hummingbird
import SkeinStorage

/// Every route under /api/v1, area by area. `OpenAPIDocument` describes the same routes; a
/// test checks the two agree.
enum APIRoutes {
    static func add(to router: Router<SkeinRequestContext>, store: any SkeinStore, services: WebServices, settings: WebSettings) {
        let api = router.group("api/v1")
        MeController(access: services.access).addRoutes(to: api)
        RunsController(store: store, access: services.access).addRoutes(to: api)
        PayloadsController(store: store).addRoutes(to: api)
        RecoveryController(store: store, access: services.access).addRoutes(to: api)
    }
}
