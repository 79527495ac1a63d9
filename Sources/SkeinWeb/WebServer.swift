public import Foundation
public import Hummingbird
public import Logging
public import SkeinCore
public import SkeinEngine
public import SkeinOperations
public import SkeinStorage

/// What the HTTP server needs besides the store.
public struct WebSettings: Sendable {
    public var host: String
    public var port: Int
    /// The largest webhook body accepted when the flow sets no `max_body_bytes`.
    public var maximumWebhookBytes: Int
    /// Where `hmac_secret_env` variables are looked up: the server's process environment, passed
    /// down by the composition root (empty by default, so a test sees only what it gives).
    public var environment: [String: String]
    /// The tracing UI's link for a trace id (`SKEIN_TRACE_URL`, `{trace_id}` replaced); nil: no link.
    public var traceURL: String?
    /// Sign-in, cookies and public paths.
    public var access: AccessSettings
    /// The clock runs are queued by (tests pin it).
    public var now: @Sendable () -> Date
    /// The most webhook runs one group commit holds (`RunIntakeBatcher`); 1 commits each alone.
    public var webhookBatchSize: Int

    public static let defaultMaximumWebhookBytes = 50 * 1024 * 1024

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maximumWebhookBytes: Int = WebSettings.defaultMaximumWebhookBytes,
        environment: [String: String] = [:], access: AccessSettings = AccessSettings(),
        now: @escaping @Sendable () -> Date = { Date() }, webhookBatchSize: Int = 256, traceURL: String? = nil
    ) {
        self.host = host
        self.port = port
        self.maximumWebhookBytes = maximumWebhookBytes
        self.environment = environment
        self.access = access
        self.now = now
        self.webhookBatchSize = webhookBatchSize
        self.traceURL = traceURL
    }
}

/// What the routes drive besides the store: the operations every front end shares (built by
/// SkeinApp, the composition root, so the API runs exactly what the CLI runs), sealing instance
/// credentials and testing instances.
public struct WebServices: Sendable {
    public var operations: Operations
    public var instances: StoredInstanceResolver?
    /// Checks an instance's system answers and accepts its credentials (ok, one sentence).
    public var testInstance: @Sendable (String) async -> (ok: Bool, message: String)
    /// The MCP server `/mcp` serves (streamable HTTP, API tokens only); nil: no `/mcp` route.
    public var mcp: (any MCPResponder)?

    public var access: AccessService { operations.access }
    /// The shape types flows may use (deploys are validated against it).
    public var catalog: ShapeCatalog { operations.catalog }
    public var resender: SyncResender? { operations.resender }

    /// Where a blueprint install creates instances and lookups; nil where this server cannot
    /// seal credentials (installs are then `misconfigured`).
    public var blueprintTarget: (any BlueprintInstallTarget)?

    public init(
        operations: Operations, instances: StoredInstanceResolver? = nil,
        testInstance: @escaping @Sendable (String) async -> (ok: Bool, message: String) = { _ in
            (false, "instance tests are not available in this server")
        }, mcp: (any MCPResponder)? = nil,
        blueprintTarget: (any BlueprintInstallTarget)? = nil
    ) {
        self.operations = operations
        self.instances = instances
        self.testInstance = testInstance
        self.mcp = mcp
        self.blueprintTarget = blueprintTarget
    }
}

/// Skein's HTTP server: health, webhooks, sign-in, the REST API under /api/v1, the UI, and MCP at /mcp.
///
/// Each area is a controller that adds its routes to one router; errors reach clients as
/// `APIError` JSON. The access middleware fills `SkeinRequestContext.identity` before any
/// route runs. The application is a swift-service-lifecycle `Service`, run by `skein serve` in
/// the same `ServiceGroup` as the worker and the scheduler.
public enum WebServer {
    /// What the routes use between them (each controller takes only its part): flows, run intake
    /// and the run log, stop requests, dashboard counts, the sync report, instances, access and health.
    public typealias Store = Operations.Store & FlowDraftStore & InstanceStore & StoreHealth & WebhookIdentityStore

    /// The router with every route, for the application and for tests (`app.test(.router)`).
    public static func router(
        store: any Store, settings: WebSettings, logger: Logger,
        services: WebServices? = nil
    ) -> Router<SkeinRequestContext> {
        let services = services ?? WebServices(operations: Operations(store: store, now: settings.now))
        let router = Router(context: SkeinRequestContext.self)
        router.add(middleware: APIErrorMiddleware(logger: logger))
        router.add(middleware: AccessMiddleware(access: services.access, settings: settings.access))
        HealthController<SkeinRequestContext>(store: store).addRoutes(to: router)
        WebhookController<SkeinRequestContext>(
            store: store, intake: RunIntakeBatcher(store: store, maximumBatch: settings.webhookBatchSize), settings: settings, logger: logger
        )
        .addRoutes(to: router)
        LoginController(
            access: services.access, settings: settings.access,
            throttle: LoginThrottle(settings: settings.access)
        )
        .addRoutes(to: router)
        APIRoutes.add(to: router, store: store, services: services, settings: settings)
        if let mcp = services.mcp { MCPController(responder: mcp).addRoutes(to: router) }
        UIController(store: store, settings: settings, services: services, logger: logger).addRoutes(to: router)
        return router
    }

    /// The application listening on `settings.host:settings.port`; `onListening` gets the bound port
    /// (useful with port 0).
    public static func application(
        store: any Store, settings: WebSettings, logger: Logger, services: WebServices? = nil,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(store: store, settings: settings, logger: logger, services: services),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "skein"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }
}
