import AsyncHTTPClient
import NIOPosix
import SkeinConnectorsDatabase
import SkeinConnectorsHTTP
import SkeinConnectorsSFTP
import SkeinCore

/// The connector shape types this build includes, registered into every catalog.
enum ConnectorShapes {
    /// One HTTP client for the process, pooling connections across runs; it lives as long as
    /// the process. A refused connection fails at once so the shape's `retry:` policy decides
    /// (AsyncHTTPClient would otherwise keep retrying until the timeout), and redirects are not
    /// followed so a custom API-key header never reaches another host.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        // AsyncHTTPClient's own spans carry the full URL, query included (where API keys can be);
        // the http shape makes its own span per request instead (HTTPTransport).
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }()

    /// The shared per-instance state of every `HTTPShape` in the process: OAuth tokens, rate
    /// windows and what systems said about their limits (one Shopify cost bucket per store).
    static let tokens = OAuthTokenStore()
    static let limiters = RateLimiters()
    static let throttles = Throttles()

    static func http(_ connectors: ConnectorCatalog, instanceConnectors: [String: String] = [:]) -> HTTPShape {
        var shape = HTTPShape(client: client, tokens: tokens, limiters: limiters, throttles: throttles, connectors: connectors)
        shape.instanceConnectors = instanceConnectors
        return shape
    }

    static func all(_ connectors: ConnectorCatalog) -> [any ShapeKind] { [http(connectors), SFTPShape(), DatabaseShape()] }
}
