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

    /// Reads the instance's settings and checks its credentials; a problem becomes one
    /// non-transient failure naming the instance and listing everything wrong.
    static func read(_ instance: Instance) throws(ShapeFailure) -> HTTPInstanceSettings {
        let problems = ProblemList()
        var result: HTTPInstanceSettings?
        if let reader = SettingsReader(instance.settings, path: "settings", problems: problems) {
            let auth = readAuth(reader, credentials: instance.credentials)
            var headers: [(name: String, value: Template)] = []
            if let headerReader = reader.object("headers") {
                for name in headerReader.members.keys {
                    guard let text = headerReader.string(name) else { continue }
                    do { headers.append((name, try Template(text))) } catch { headerReader.report(name, error.message) }
                }
                headerReader.finish()
            }
            let testPath = reader.string("test_path")
            let throttle = reader.object("throttle").flatMap(ThrottlePolicy.read)
            let retryThrottled = reader.int("retry_throttled", range: 0...20) ?? 0
            var errorMessage: JSONataExpression?
            if let text = reader.string("error_message") {
                do { errorMessage = try JSONataExpression(compiling: text) } catch {
                    reader.report("error_message", "is not a valid JSONata expression: \(error)")
                }
            }
            reader.finish()
            if let auth {
                result = HTTPInstanceSettings(auth: auth, headers: headers, testPath: testPath, throttle: throttle,
                                              retryThrottled: retryThrottled, errorMessage: errorMessage)
            }
        }
        guard problems.isEmpty, let result else {
            let list = problems.problems.map(\.description).joined(separator: "; ")
            throw ShapeFailure(instance.redact("instance '\(instance.name)' is not set up right: \(list)"))
        }
        return result
    }

    private static func readAuth(_ reader: SettingsReader, credentials: [String: String]) -> AuthMethod? {
        let path = reader.childPath("auth")
        let options: SettingsReader
        let type: String
        switch reader.raw("auth") {
        case nil:
            return AuthMethod.none
        case .string(let text)?:
            guard let parsed = SettingsReader(JSON.object([:]), path: path, problems: reader.problems) else { return nil }
            options = parsed
            type = text
        case let value?:
            guard let parsed = SettingsReader(value, path: path, problems: reader.problems) else { return nil }
            options = parsed
            guard let text = parsed.string("type", required: true) else { return nil }
            type = text
        }
        guard AuthMethod.types.contains(type) else {
            reader.problems.add(path, "'\(type)' is not one of \(AuthMethod.types.joined(separator: ", "))")
            return nil
        }
        func require(_ names: String...) -> Bool {
            let missing = names.filter { (credentials[$0] ?? "").isEmpty }
            if !missing.isEmpty {
                reader.problems.add("credentials", "auth \(type) needs \(missing.map { "'\($0)'" }.joined(separator: " and "))")
            }
            return missing.isEmpty
        }
        let method: AuthMethod?
        switch type {
        case "none":
            method = AuthMethod.none
        case "basic":
            method = require("username", "password") ? .basic : nil
        case "bearer":
            method = require("token") ? .bearer : nil
        case "api_key":
            let header = options.string("header")
            let query = options.string("query")
            switch (header, query) {
            case (let header?, nil): method = require("api_key") ? .apiKey(.header(header)) : nil
            case (nil, let query?): method = require("api_key") ? .apiKey(.query(query)) : nil
            case (nil, nil): method = require("api_key") ? .apiKey(.header("X-Api-Key")) : nil
            case (_?, _?):
                options.report("query", "give either header or query, not both")
                method = nil
            }
        case "oauth2_client_credentials":
            let tokenURL = options.string("token_url", required: true)
            let scope = options.string("scope")
            let clientAuth = options.string("client_auth", allowed: ["basic", "body"])
            let ok = require("client_id", "client_secret")
            method = tokenURL.flatMap { url in
                ok ? .oauth2(OAuthGrant(kind: .clientCredentials, tokenURL: url, scope: scope, clientAuthInBody: clientAuth == "body")) : nil
            }
        case "oauth2_refresh_token":
            let tokenURL = options.string("token_url", required: true)
            let scope = options.string("scope")
            let clientAuth = options.string("client_auth", allowed: ["basic", "body"])
            let ok = require("client_id", "client_secret", "refresh_token")
            method = tokenURL.flatMap { url in
                ok ? .oauth2(OAuthGrant(kind: .refreshToken, tokenURL: url, scope: scope, clientAuthInBody: clientAuth == "body")) : nil
            }
        default:
            method = nil
        }
        options.finish()
        return method
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
