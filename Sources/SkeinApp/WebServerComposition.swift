public import ServiceLifecycle
public import SkeinWeb

extension SkeinEnvironment {
    /// Users, sessions, tokens and the audit log over this environment's store.
    public var access: AccessService { AccessService(store: store) }

    /// Skein's HTTP server (health, webhooks, sign-in, the API) on `host:port`, as a `Service` for
    /// `skein serve`'s `ServiceGroup`. HMAC secrets named by flows are read from this environment's variables;
    /// `SKEIN_WEBHOOK_BATCH` caps the webhook runs per group commit (default 256; 1 = one commit each,
    /// the baseline of docs/benchmarks.md's webhook scenario).
    public func webServer(host: String, port: Int, maximumWebhookBytes: Int, access accessSettings: AccessSettings = AccessSettings(),
                          onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> any Service {
        WebServer.application(store: store,
                              settings: WebSettings(host: host, port: port, maximumWebhookBytes: maximumWebhookBytes, environment: environment,
                                                    access: accessSettings,
                                                    webhookBatchSize: environment["SKEIN_WEBHOOK_BATCH"].flatMap { Int($0) }.map { max(1, $0) } ?? 256),
                              logger: logger, services: webServices(), onListening: onListening)
    }

    /// The engine parts the API drives, wired like the CLI's.
    public func webServices() -> WebServices {
        WebServices(access: access, catalog: catalog, resender: syncResender(), instances: instances, testInstance: { name in
            let result = await self.testInstance(named: name)
            return (result.ok, result.message)
        })
    }

    /// The server's default webhook body limit (50 MB).
    public static var defaultMaximumWebhookBytes: Int { WebSettings.defaultMaximumWebhookBytes }
}
