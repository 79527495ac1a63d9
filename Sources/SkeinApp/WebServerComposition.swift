public import ServiceLifecycle
import SkeinWeb

extension SkeinEnvironment {
    /// Skein's HTTP server (health, webhooks) on `host:port`, as a `Service` for `skein serve`'s
    /// `ServiceGroup`. HMAC secrets named by flows are read from this environment's variables.
    public func webServer(host: String, port: Int, maximumWebhookBytes: Int,
                          onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> any Service {
        WebServer.application(store: store,
                              settings: WebSettings(host: host, port: port, maximumWebhookBytes: maximumWebhookBytes, environment: environment,
                                                    catalog: catalog, syncResender: syncResender()),
                              logger: logger, onListening: onListening)
    }

    /// The server's default webhook body limit (50 MB).
    public static var defaultMaximumWebhookBytes: Int { WebSettings.defaultMaximumWebhookBytes }
}
