public import Foundation
public import Hummingbird
public import Logging
public import SkeinCore
public import SkeinEngine
public import SkeinStorage

/// What the HTTP server needs besides the store.
public struct WebSettings: Sendable {
    public var host: String
    public var port: Int
    /// The largest webhook body accepted when the flow sets no `max_body_bytes`.
    public var maximumWebhookBytes: Int
    /// Where `hmac_secret_env` variables are looked up (the server's process environment).
    public var environment: [String: String]
    /// The clock runs are queued by (tests pin it).
    public var now: @Sendable () -> Date
    /// The shape types flows are read with (the UI deploys a new version when a skip toggle changes).
    public var catalog: ShapeCatalog
    /// Sends sync entries again for the UI's resync buttons; nil leaves resync unavailable.
    public var syncResender: SyncResender?

    public static let defaultMaximumWebhookBytes = 50 * 1024 * 1024

    public init(host: String = "127.0.0.1", port: Int = 8080, maximumWebhookBytes: Int = WebSettings.defaultMaximumWebhookBytes,
                environment: [String: String] = ProcessInfo.processInfo.environment, now: @escaping @Sendable () -> Date = { Date() },
                catalog: ShapeCatalog = .permissive, syncResender: SyncResender? = nil) {
        self.host = host
        self.port = port
        self.maximumWebhookBytes = maximumWebhookBytes
        self.environment = environment
        self.now = now
        self.catalog = catalog
        self.syncResender = syncResender
    }
}

/// Skein's HTTP server: health, webhooks, and (later) the REST API and the UI.
///
/// Each area is a controller that adds its routes to one router; errors reach clients as
/// `APIError` JSON. The application is a swift-service-lifecycle `Service`, run by
/// `skein serve` in the same `ServiceGroup` as the worker and the scheduler.
public enum WebServer {
    /// The router with every route, for the application and for tests (`app.test(.router)`).
    public static func router(store: any SkeinStore, settings: WebSettings, logger: Logger) -> Router<SkeinRequestContext> {
        let router = Router(context: SkeinRequestContext.self)
        router.add(middleware: APIErrorMiddleware(logger: logger))
        HealthController<SkeinRequestContext>(store: store).addRoutes(to: router)
        WebhookController<SkeinRequestContext>(store: store, settings: settings, logger: logger).addRoutes(to: router)
        UIController(store: store, settings: settings, logger: logger).addRoutes(to: router)
        return router
    }

    /// The application listening on `settings.host:settings.port`; `onListening` gets the bound port
    /// (useful with port 0).
    public static func application(store: any SkeinStore, settings: WebSettings, logger: Logger,
                                   onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(store: store, settings: settings, logger: logger),
                    configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "skein"),
                    onServerRunning: { channel in await onListening(channel.localAddress?.port ?? settings.port) },
                    logger: logger)
    }
}
