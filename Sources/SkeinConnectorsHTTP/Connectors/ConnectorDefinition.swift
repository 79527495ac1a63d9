import SkeinCore
import SkeinJSON

/// Everything Skein knows about one system's API, kept as data (one YAML file per system):
/// how it authenticates and with which credentials, where it is, how it limits and pages, how
/// it reports errors, and its named endpoints with their parameters.
///
/// An instance made with `skein instance add shop --connector shopify --setting shop=acme`
/// is an `http` instance whose settings say `connector: shopify`; when a step uses it, the
/// definition turns into ordinary `http` instance settings (`ConnectorInstance`) and each
/// `endpoint:` into ordinary step settings (`EndpointCall`), so a connector can do nothing
/// the `http` shape cannot, and everything it does is visible in the recorded calls.
/// docs/connectors.md describes the file format.
public struct ConnectorDefinition: Sendable {
    /// A setting of the instance (`shop`, `api_version`): required, or with a default.
    public struct Setting: Sendable, Equatable {
        public var name: String
        public var required: Bool
        public var defaultValue: String?
        public var help: String
    }

    /// A secret the instance needs (`access_token`).
    public struct Credential: Sendable, Equatable {
        public var name: String
        public var help: String
    }

    /// Where the definition came from, for messages: `built in` or a file path.
    public var source: String
    /// The definition's text as written (YAML or JSON), to copy and adapt.
    public var text: String = ""
    public var name: String
    public var title: String
    public var help: String
    /// The API documentation the definition was written from, and its version.
    public var documentation: (url: String, version: String)
    public var settings: [Setting]
    public var credentials: [Credential]
    /// The base address, with `{{setting}}` placeholders (`https://{{shop}}.myshopify.com`).
    var address: Template
    /// The `http` instance settings this connector amounts to (`auth`, `headers`, `throttle`, …),
    /// with `auth.credentials` mapping the auth method's credential slots to this connector's names.
    var instanceSettings: JSON.Object
    /// Which of the connector's credentials fills each slot of the auth method (`api_key: access_token`).
    var credentialSlots: [String: String]
    /// A default for the instance's `rate_limit`, when the system documents one.
    var rateLimit: RateLimit?
    public var endpoints: [EndpointDefinition]

    public func endpoint(_ name: String) -> EndpointDefinition? { endpoints.first { $0.name == name } }
}

/// One named operation of a connector: `orders.updated_since`, `inventory.set`.
public struct EndpointDefinition: Sendable {
    /// The fields that identify an item the endpoint returns or accepts.
    public struct Identity: Sendable, Equatable {
        /// What people call the item (an order number).
        public var reference: String?
        /// The system's own id.
        public var id: String?
    }

    public var name: String
    public var help: String
    public var direction: String
    /// The request, read by the same code that reads an `http:` step.
    var request: HTTPShapeSettings
    var params: [ParameterDefinition]
    public var identity: Identity
    /// For sends: the body is this part of the payload (`shipment`), so the rest of the payload
    /// can carry parameters such as the order id without being sent.
    var bodyPath: FieldPath?
    /// Where the items are in each page (`data.orders.nodes`); nil when the page is the list itself.
    var itemsPath: FieldPath?
    public var items: String { itemsPath.map { "`\($0)`" } ?? "the body" }

    public var method: String { request.method }
    /// `GET /wp-json/wc/v3/orders` or `POST /admin/api/{{api_version}}/graphql.json (GraphQL)`.
    public var requestSummary: String {
        "\(request.method) \(request.path.description)" + (request.graphql != nil ? " (GraphQL)" : "")
    }
    public var parameterSummaries: [(summary: String, help: String)] { params.map { ($0.summary, $0.help) } }
    public var pagination: String? {
        switch request.pagination {
        case nil: nil
        case .page(let param, _, _, let total)?:
            switch total {
            case .pagesHeader(let header)?: "page (`\(param)`, page count from the \(header) header)"
            case .pagesPath(let path)?: "page (`\(param)`, page count at \(path))"
            case .countPath(let path)?: "page (`\(param)`, item count at \(path))"
            case nil: "page (`\(param)`)"
            }
        case .offset?: "offset"
        case .cursor?: "cursor"
        case .linkHeader?: "Link header"
        case .nextURL?: "next URL"
        case .graphqlCursor(let path, _)?: "GraphQL cursor (\(path))"
        }
    }

    func parameter(_ name: String) -> ParameterDefinition? { params.first { $0.name == name } }
}
