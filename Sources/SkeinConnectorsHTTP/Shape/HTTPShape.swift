public import AsyncHTTPClient
public import SkeinCore
import SkeinJSON

/// `http` (connector): calls a REST/HTTP API through an `http` instance.
///
/// ```yaml
/// - id: fetch-orders
///   http:
///     instance: shop                      # connectorType http; its address is the base URL
///     direction: receive                  # receive: one payload per page; send: one request per payload
///     method: GET                         # GET for receive, POST for send by default
///     path: /orders?status={{status}}     # {{name}}: instance variables, then flow variables
///     query: { limit: "100" }
///     headers: { Accept: application/json }
///     pagination: { type: page, param: page, start: 1 }
///     items_path: orders                  # an empty array here ends page/offset pagination
///     max_pages: 100
///     timeout: 30s                        # overrides the instance timeout
/// ```
///
/// A step may instead name an endpoint of the instance's connector (docs/connectors.md):
///
/// ```yaml
/// - id: orders
///   http: { instance: shop, endpoint: orders.updated_since, params: { since: "{{last_sync}}" } }
/// ```
///
/// and `graphql:` makes the request a GraphQL operation (`GraphQLSettings`).
///
/// The app creates one `HTTPShape` with its `HTTPClient` and registers it in the
/// `ShapeCatalog`; every step prepared from it shares the OAuth token cache and the
/// per-instance rate limiters, so concurrent flows respect one instance's limits together.
/// See docs/connectors-http.md for the instance settings and every option.
public struct HTTPShape: ShapeKind, InstanceKind {
    public let client: HTTPClient
    public let tokens: OAuthTokenStore
    public let limiters: RateLimiters
    public let throttles: Throttles
    /// The connector definitions `endpoint:` steps and connector instances use.
    public var connectors: ConnectorCatalog
    /// Which connector each instance uses (instance name to connector name), when the caller
    /// knows: then `skein flow validate` checks `endpoint:` and `params:` against that
    /// connector exactly; otherwise against every connector that has the endpoint, and exactly
    /// when the step runs.
    public var instanceConnectors: [String: String] = [:]
    /// The largest response body accepted (a page, or the answer to a send).
    public let maximumResponseBytes: Int

    /// - Parameters:
    ///   - client: owned by the app, which shuts it down; shared by every request.
    ///   - tokens, limiters: shared state; pass the same ones to every `HTTPShape` the app makes.
    public init(
        client: HTTPClient, tokens: OAuthTokenStore = OAuthTokenStore(), limiters: RateLimiters = RateLimiters(),
        throttles: Throttles = Throttles(), connectors: ConnectorCatalog = .builtIn, maximumResponseBytes: Int = 64 * 1024 * 1024
    ) {
        self.client = client
        self.tokens = tokens
        self.limiters = limiters
        self.throttles = throttles
        self.connectors = connectors
        self.maximumResponseBytes = maximumResponseBytes
    }

    public static let spec = ShapeSpec(
        type: "http", category: .connector, summary: "Receive pages from, or send payloads to, a REST/HTTP API.",
        help: "See docs/connectors-http.md for instances (authentication, rate limits), pagination, batches and errors.",
        settings: HTTPShapeSettings.spec,
        example: """
            - id: fetch-orders
              http:
                instance: shop
                direction: receive
                path: /orders?status={{status}}
                query: { limit: "100" }
                pagination: { type: page, param: page, start: 1 }
                items_path: orders
            """)

    public var spec: ShapeSpec { Self.spec }
    public var instanceSpecs: [InstanceSpec] { [HTTPInstanceSettings.instanceSpec] }

    /// Builds the step; an `endpoint:` is checked against the instance's connector when it is
    /// known here, or against every connector that has the endpoint.
    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        let parsed = HTTPShapeSettings(settings)
        if parsed.endpoint != nil {
            let before = settings.problems.problems.count
            if let name = instanceConnectors[parsed.instance], let definition = connectors.definition(name) {
                EndpointCall.check(parsed, definition: definition, instanceName: parsed.instance, problems: settings.problems)
            } else {
                EndpointCall.check(parsed, catalog: connectors, problems: settings.problems)
            }
            guard settings.problems.problems.count == before else { return nil }
        }
        return HTTPExecutor(
            settings: parsed, transport: transport, limiters: limiters, tokens: tokens, throttles: throttles,
            connectors: connectors)
    }

    var transport: HTTPTransport { HTTPTransport(client: client, maximumResponseBytes: maximumResponseBytes) }

    /// For `skein instance test`: can the system be reached, and does it accept the credentials?
    ///
    /// GETs the instance's `test_path` (or its address) with its credentials, fetching an
    /// OAuth token first when the instance uses OAuth. Any answer but 401/403 passes: a 404
    /// at the base URL still proves the host is up and the credentials were not refused.
    public func testConnection(instance: Instance) async -> InstanceCheck {
        let recorder = CallRecorder()
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let (instance, _) = try connectors.resolve(instance)
            var session = try InstanceSession(
                instance: instance, transport: transport, limiters: limiters, tokens: tokens,
                throttles: throttles, recorder: recorder, timeout: nil)
            let scope = VariableScope(instance: instance.variables, flow: [:])
            // `test_path` may use the instance's variables (a connector's `{{api_version}}`).
            let testPath =
                try session.settings.testPath.map { text throws(ShapeFailure) in
                    do { return try Template(text).render(lookup: scope.value) } catch {
                        throw ShapeFailure("instance '\(instance.name)': test_path: \(error)")
                    }
                } ?? ""
            let url = URLText.join(instance.address, testPath)
            let request = OutgoingRequest(method: "GET", url: url, headers: try session.defaultHeaders(scope: scope))
            let reply = try await session.send(request)
            let elapsed = DurationText.format(clock.now - started)
            let shownURL = session.redactor.url(url)
            if reply.status == 401 || reply.status == 403 {
                return InstanceCheck(
                    ok: false,
                    message: session.redactor.text(
                        "instance '\(instance.name)': GET \(shownURL) answered \(reply.statusLine): \(session.settings.auth.rejectionHint)"),
                    calls: recorder.calls)
            }
            var message = "instance '\(instance.name)': reachable, GET \(shownURL) answered \(reply.statusLine) in \(elapsed)"
            message += session.settings.auth == .none ? " (no authentication configured)" : "; the credentials were accepted"
            if !reply.isSuccess { message += " (not a 2xx answer: set test_path to a URL that should answer 200)" }
            return InstanceCheck(ok: true, message: session.redactor.text(message), calls: recorder.calls)
        } catch {
            return InstanceCheck(ok: false, message: error.message, calls: recorder.calls)
        }
    }
}

/// The outcome of testing an instance: whether it works, a sentence saying why (never a
/// secret), and the calls made to find out (redacted like a step's).
public struct InstanceCheck: Sendable, Equatable, CustomStringConvertible {
    public var ok: Bool
    public var message: String
    public var calls: [JSON]

    public init(ok: Bool, message: String, calls: [JSON] = []) {
        self.ok = ok
        self.message = message
        self.calls = calls
    }

    public var description: String { (ok ? "ok: " : "failed: ") + message }
}
