import JSONata
import SkeinCore
import SkeinJSON

/// What an `http` instance says about the system, read from `Instance.settings` (not secret)
/// and `Instance.credentials` (secret):
///
/// ```yaml
/// auth: basic                    # none | basic | bearer | api_key | oauth2_client_credentials | oauth2_refresh_token
/// # or, with options:
/// auth: { type: api_key, header: X-Api-Key }     # or { type: api_key, query: api_key }
/// auth: { type: oauth2_client_credentials, token_url: https://id.example/token, scope: orders.read }
/// headers: { Accept: application/json }          # sent with every request to this instance
/// test_path: /ping                               # what `skein instance test` GETs (default: the base URL)
/// throttle: { type: quota_headers, remaining_header: X-Rate-Limit-Requests-Left, reset_ms_header: X-Rate-Limit-Time-Reset-Ms }
/// retry_throttled: 5                             # wait and resend on 429 / THROTTLED, up to 5 times (default 0)
/// error_message: message                         # JSONata over an error body: the system's own words for the failure
/// ```
struct HTTPInstanceSettings: Sendable {
    var auth: AuthMethod
    var headers: [(name: String, value: Template)]
    var testPath: String?
    var throttle: ThrottlePolicy?
    var retryThrottled: Int = 0
    /// Turns an error body into the system's message (`errors[0].message`, `message`).
    var errorMessage: JSONataExpression?

    /// The credentials each auth type needs.
    static let credentialsByAuth: [(type: String, names: [String])] = [
        ("none", []), ("basic", ["username", "password"]), ("bearer", ["token"]), ("api_key", ["api_key"]),
        ("oauth2_client_credentials", ["client_id", "client_secret"]), ("oauth2_refresh_token", ["client_id", "client_secret", "refresh_token"]),
    ]

    /// The settings of an `http` instance. With `credentials`, each auth type also checks that
    /// the credentials it needs are stored (reported at `credentials`); without, only the settings.
    static func spec(credentials: [String: String]? = nil) -> ObjectSpec {
        func needs(_ type: String) -> [SpecRule] {
            guard let credentials, let names = credentialsByAuth.first(where: { $0.type == type })?.names, !names.isEmpty else { return [] }
            return [
                .check(
                    ObjectCheck("Needs the credentials \(names.joined(separator: ", ")).") { settings in
                        let missing = names.filter { (credentials[$0] ?? "").isEmpty }
                        if !missing.isEmpty {
                            settings.problems.add("credentials", "auth \(type) needs \(missing.map { "'\($0)'" }.joined(separator: " and "))")
                        }
                    })
            ]
        }
        let oauth = [
            FieldSpec("token_url", .string(TextRules(nonEmpty: true)), required: true, help: "The system's OAuth 2 token endpoint."),
            FieldSpec("scope", .string, help: "The scopes asked for, space-separated."),
            FieldSpec(
                "client_auth",
                .choice([
                    Choice("basic", help: "client_id and client_secret as HTTP Basic."),
                    Choice("body", help: "client_id and client_secret as form fields."),
                ]), default: "basic", help: "How the client proves itself to the token endpoint."),
        ]
        let auth = Variants(
            key: "type",
            cases: [
                Variant("none", help: "No credentials.", settings: ObjectSpec([], rules: needs("none"))),
                Variant(
                    "basic", help: "`Authorization: Basic` with the `username` and `password` credentials.", settings: ObjectSpec([], rules: needs("basic"))),
                Variant("bearer", help: "`Authorization: Bearer` with the `token` credential.", settings: ObjectSpec([], rules: needs("bearer"))),
                Variant(
                    "api_key", help: "The `api_key` credential in a header (default `X-Api-Key`) or a query parameter.",
                    settings: ObjectSpec(
                        [
                            FieldSpec("header", .string(TextRules(nonEmpty: true)), help: "The header that carries the key (default `X-Api-Key`)."),
                            FieldSpec("query", .string(TextRules(nonEmpty: true)), help: "The query parameter that carries the key, instead of a header."),
                        ],
                        rules: [.atMostOne(["header", "query"], whenSeveral: RuleMessage("query", "give either header or query, not both"))] + needs("api_key"))
                ),
                Variant(
                    "oauth2_client_credentials", help: "A short-lived token from `token_url` for `client_id` and `client_secret`.",
                    settings: ObjectSpec(oauth, rules: needs("oauth2_client_credentials"))),
                Variant(
                    "oauth2_refresh_token", help: "A short-lived token from `token_url` for a `refresh_token` (rotated ones are kept).",
                    settings: ObjectSpec(oauth, rules: needs("oauth2_refresh_token"))),
            ], shorthand: true)
        return ObjectSpec([
            FieldSpec("auth", .variants(auth), default: "none", help: "How requests prove who they are: a type (`auth: basic`) or a type with options."),
            FieldSpec(
                "headers", .dictionary(DictionarySpec(keyName: "header name", value: HTTPShapeSettings.template)),
                help: "Headers sent with every request to this instance (`{{variables}}` allowed)."),
            FieldSpec(
                "test_path", HTTPShapeSettings.template, help: "What `skein instance test` GETs (default: the address); may use the instance's variables."),
            FieldSpec("throttle", .variants(ThrottlePolicy.variants), help: "How the system reports its limits, so requests wait instead of being refused."),
            FieldSpec("retry_throttled", .integer(0...20), default: 0, help: "Wait and send again after 429 / THROTTLED, up to this many times."),
            FieldSpec("error_message", .expression, help: "JSONata over an error body: the system's own words for the failure."),
        ])
    }

    static let instanceSpec = InstanceSpec(
        type: "http", summary: "A REST/HTTP API.", address: "The base URL (`https://shop.example.com/api`); steps' paths are joined to it.",
        settings: spec(),
        credentials: [
            .credential("username", help: "auth basic."), .credential("password", help: "auth basic."),
            .credential("token", help: "auth bearer."), .credential("api_key", help: "auth api_key."),
            .credential("client_id", help: "auth oauth2_client_credentials and oauth2_refresh_token."),
            .credential("client_secret", help: "auth oauth2_client_credentials and oauth2_refresh_token."),
            .credential("refresh_token", help: "auth oauth2_refresh_token."),
        ])

    /// Reads the instance's settings and checks its credentials; a problem becomes one
    /// non-transient failure naming the instance and listing everything wrong.
    static func read(_ instance: Instance) throws(ShapeFailure) -> HTTPInstanceSettings {
        let problems = ProblemList()
        let valid = SpecValidator(problems: problems).object(instance.settings, spec(credentials: instance.credentials), path: "settings", setting: "")
        guard problems.isEmpty, let valid else {
            let list = problems.problems.map(\.description).joined(separator: "; ")
            throw ShapeFailure(instance.redact("instance '\(instance.name)' is not set up right: \(list)"))
        }
        return HTTPInstanceSettings(
            auth: AuthMethod(valid.object("auth")),
            headers: (valid.optional.entries("headers") ?? []).compactMap { entry in
                entry.value.string.flatMap { try? Template($0) }.map { (entry.key, $0) }
            },
            testPath: valid.optional.string("test_path"), throttle: valid.optional.object("throttle").flatMap(ThrottlePolicy.init),
            retryThrottled: valid.int("retry_throttled"), errorMessage: valid.optional.expression("error_message")?.jsonata)
    }
}

extension AuthMethod {
    /// The method of a validated `auth:` setting.
    init(_ settings: ValidSettings) {
        switch settings.string("type") {
        case "basic": self = .basic
        case "bearer": self = .bearer
        case "api_key":
            self = .apiKey(settings.optional.string("query").map(APIKeyPlacement.query) ?? .header(settings.optional.string("header") ?? "X-Api-Key"))
        case "oauth2_client_credentials", "oauth2_refresh_token":
            self = .oauth2(
                OAuthGrant(
                    kind: settings.string("type") == "oauth2_refresh_token" ? .refreshToken : .clientCredentials,
                    tokenURL: settings.string("token_url"), scope: settings.optional.string("scope"),
                    clientAuthInBody: settings.string("client_auth") == "body"))
        default: self = .none
        }
    }
}

/// How requests to an instance prove who they are.
enum AuthMethod: Sendable, Equatable {
    case none
    /// `Authorization: Basic base64(username:password)`.
    case basic
    /// `Authorization: Bearer <token>` with a long-lived token from the credentials.
    case bearer
    /// The `api_key` credential in a header or a query parameter.
    case apiKey(APIKeyPlacement)
    /// A short-lived bearer token from the system's token endpoint (see `OAuthTokenStore`).
    case oauth2(OAuthGrant)

    static let types = ["none", "basic", "bearer", "api_key", "oauth2_client_credentials", "oauth2_refresh_token"]

    enum APIKeyPlacement: Sendable, Equatable {
        case header(String)
        case query(String)
    }

    /// A sentence for a 401/403 that says what to check, without any secret.
    var rejectionHint: String {
        switch self {
        case .none: "the system wants credentials, but the instance has auth: none"
        case .basic: "the username or password was rejected"
        case .bearer: "the bearer token was rejected (expired, revoked or wrong)"
        case .apiKey: "the API key was rejected"
        case .oauth2(let grant):
            grant.kind == .refreshToken
                ? "the access token was rejected even after a refresh (check the scopes and the refresh_token)"
                : "the access token was rejected even after fetching a new one (check the client's scopes and permissions)"
        }
    }
}

/// An OAuth 2 grant (RFC 6749) the connector performs against `tokenURL`.
struct OAuthGrant: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case clientCredentials
        case refreshToken
    }

    var kind: Kind
    var tokenURL: String
    var scope: String?
    /// `client_id`/`client_secret` as form fields instead of HTTP Basic (RFC 6749 §2.3.1 allows both).
    var clientAuthInBody: Bool
}
