public import ServiceLifecycle
import SkeinMCP
public import SkeinOperations
public import SkeinWeb

extension SkeinEnvironment {
    /// Every use case of the front ends, over this environment's store, with its sync resender
    /// and shape catalog: what the CLI, the API, the web UI and the MCP server all call.
    public var operations: Operations {
        Operations(store: store, resender: syncResender(), catalog: catalog, blueprints: blueprints)
    }

    /// Users, sessions, tokens and the audit log over this environment's store.
    public var access: AccessService { operations.access }

    /// Skein's HTTP server (health, webhooks, sign-in, the API) on `host:port`, as a `Service` for
    /// `skein serve`'s `ServiceGroup`. HMAC secrets named by flows are read from this environment's variables;
    /// `webhookBatchSize` caps the webhook runs per group commit (1 = one commit each, the
    /// baseline of docs/benchmarks.md's webhook scenario; nil: `SKEIN_WEBHOOK_BATCH`, default 256).
    public func webServer(
        host: String, port: Int, maximumWebhookBytes: Int, access accessSettings: AccessSettings = AccessSettings(),
        webhookBatchSize: Int? = nil, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> any Service {
        WebServer.application(
            store: store,
            settings: WebSettings(
                host: host, port: port, maximumWebhookBytes: maximumWebhookBytes, environment: environment,
                access: accessSettings, webhookBatchSize: webhookBatchSize ?? configuration.webhookBatch,
                traceURL: configuration.traceURL),
            logger: logger, services: webServices(), onListening: onListening)
    }

    /// The operations and engine parts the server drives, wired like the CLI's, and the MCP
    /// server at `/mcp` over the same operations.
    public func webServices() -> WebServices {
        let operations = self.operations
        return WebServices(
            operations: operations, instances: instances,
            testInstance: { name in
                let result = await self.testInstance(named: name)
                return (result.ok, result.message)
            }, mcp: MCPWebResponder(endpoint: MCPHTTPEndpoint(toolbox: MCPToolbox(operations: operations))), blueprintTarget: blueprintTarget)
    }

    /// Skein's HTTP server as `skein serve` runs it: address, limits and sign-in settings from the configuration.
    public func webServer(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> any Service {
        webServer(
            host: configuration.host, port: configuration.port, maximumWebhookBytes: configuration.maximumWebhookBytes,
            access: AccessSettings(cookieSecurity: configuration.cookieSecurity, trustForwardedFor: configuration.trustForwardedFor),
            onListening: onListening)
    }

    /// The server's default webhook body limit (50 MB).
    public static var defaultMaximumWebhookBytes: Int { WebSettings.defaultMaximumWebhookBytes }
}

/// When session cookies carry `Secure` (the web server's setting, named here so the executable
/// configures it without importing the web target).
public typealias CookieSecurity = AccessSettings.CookieSecurity
