import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage
import SkeinStorageSQLite
import Testing

@testable import SkeinWeb

/// A store with users of each role and the router behind the access middleware.
struct AccessFixture {
    let base: WebhookFixture
    let access: AccessService
    var store: any SkeinStore { base.store }
    static let password = "correct horse battery"

    init() async throws {
        base = try WebhookFixture()
        access = AccessService(store: base.store, hasher: PasswordHasher(cost: 4))
        for role in Role.allCases { _ = try await access.createUser(username: role.rawValue, role: role, password: Self.password) }
    }

    func application(loginLimit: Int = 10) -> some ApplicationProtocol {
        let settings = WebSettings(access: AccessSettings(maximumLoginFailures: loginLimit))
        return Application(
            router: WebServer.router(
                store: store, settings: settings, logger: Logger(label: "test"),
                services: WebServices(operations: Operations(store: store, access: access))))
    }

    func token(_ role: Role) async throws -> String { try await access.createToken(name: "t", username: role.rawValue, role: nil).token }
}

func withAccess(_ body: (AccessFixture) async throws -> Void) async throws {
    let fixture = try await AccessFixture()
    defer { fixture.base.remove() }
    try await body(fixture)
}

func bearer(_ token: String, json: Bool = true) -> HTTPFields {
    var fields: HTTPFields = [.authorization: "Bearer \(token)"]
    if json { fields[.contentType] = "application/json" }
    return fields
}

/// Signs in through the form; returns the cookie header value and the session's CSRF token.
func signIn(_ client: some TestClientProtocol, as username: String) async throws -> (cookie: String, csrf: String) {
    let response = try await client.execute(
        uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: ByteBuffer(string: "username=\(username)&password=correct+horse+battery&next=%2Fruns"))
    #expect(response.status == .seeOther)
    #expect(response.headers[.location] == "/runs")
    let setCookie = try #require(response.headers[.setCookie])
    #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"))
    let cookie = String(setCookie.split(separator: ";")[0])
    let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: cookie])
    return (cookie, try #require(me.json["csrf_token"]?.stringValue))
}

@Suite struct AccessTests {
    @Test func withoutCredentialsTheAPIAnswers401AndPagesRedirectToLogin() async throws {
        try await withAccess { fixture in
            try await fixture.application().test(.router) { client in
                let api = try await client.execute(uri: "/api/v1/runs", method: .get)
                #expect(api.status == .unauthorized)
                #expect(api.errorCode == "unauthenticated")
                let page = try await client.execute(uri: "/runs?status=failure", method: .get)
                #expect(page.status == .seeOther)
                #expect(page.headers[.location] == "/login?next=%2Fruns%3Fstatus%3Dfailure")
                #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
                #expect(try await client.execute(uri: "/login", method: .get).status == .ok)
                let forged = try await client.execute(uri: "/api/v1/runs", method: .get, headers: bearer("skn_not-a-real-token"))
                #expect(forged.status == .unauthorized)
            }
        }
    }

    @Test func tokensAuthenticateWithTheirRoleAndStopWhenRevoked() async throws {
        try await withAccess { fixture in
            let viewer = try await fixture.token(.viewer)
            try await fixture.application().test(.router) { client in
                let unknown = try await client.execute(uri: "/api/v1/no/such/route", method: .get, headers: bearer(viewer))
                #expect(unknown.status == .notFound)
                #expect(unknown.errorCode == "not_found")
                let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(viewer))
                #expect(me.json["role"] == "viewer")
                #expect(me.json["method"] == "token")
                let resync = try await client.execute(
                    uri: "/api/v1/sync/resync", method: .post, headers: bearer(viewer),
                    body: ByteBuffer(string: #"{"ids":[1]}"#))
                #expect(resync.status == .forbidden)
                #expect(resync.errorCode == "forbidden")
                let users = try await client.execute(uri: "/api/v1/users", method: .get, headers: bearer(viewer))
                #expect(users.status == .forbidden)
                let id = try #require(try await fixture.store.tokens().first?.id)
                #expect(try await fixture.store.revokeToken(id: id))
                #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(viewer)).status == .unauthorized)
            }
        }
    }

    @Test func aTokenNeverOutranksItsOwner() async throws {
        try await withAccess { fixture in
            let token = try await fixture.access.createToken(name: "t", username: "operator", role: .admin)
            #expect(token.record.role == "operator")
            #expect(try await fixture.access.identity(bearerToken: token.token)?.role == .operator)
            #expect(try await fixture.store.tokens().allSatisfy { !$0.tokenHash.contains(token.token) && $0.tokenHash.count == 64 })
        }
    }

    @Test func sessionUnsafeRequestsNeedTheCSRFTokenAndTheSameOrigin() async throws {
        try await withAccess { fixture in
            try await fixture.application().test(.router) { client in
                let (cookie, csrf) = try await signIn(client, as: "builder")
                let without = try await client.execute(uri: "/api/v1/flows/none/enable", method: .post, headers: [.cookie: cookie])
                #expect(without.status == .forbidden)
                #expect(without.errorCode == "csrf_failed")
                var wrong: HTTPFields = [.cookie: cookie]
                wrong[HTTPFields.Element.Name("X-CSRF-Token")!] = "guess"
                #expect(try await client.execute(uri: "/api/v1/flows/none/enable", method: .post, headers: wrong).errorCode == "csrf_failed")
                var right: HTTPFields = [.cookie: cookie]
                right[HTTPFields.Element.Name("X-CSRF-Token")!] = csrf
                let allowed = try await client.execute(uri: "/api/v1/flows/none/enable", method: .post, headers: right)
                #expect(allowed.status == .notFound)  // past access control: the flow does not exist
                var crossSite = right
                crossSite[.origin] = "https://evil.example"
                #expect(try await client.execute(uri: "/api/v1/flows/none/enable", method: .post, headers: crossSite).errorCode == "csrf_failed")
                // Safe methods need no token.
                #expect(try await client.execute(uri: "/api/v1/flows", method: .get, headers: [.cookie: cookie]).status == .ok)
            }
        }
    }

    @Test func anOversizedFormIs413BeforeItsCSRFTokenIsLookedFor() async throws {
        try await withAccess { fixture in
            try await fixture.application().test(.router) { client in
                let (cookie, csrf) = try await signIn(client, as: "operator")
                let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
                let large = ByteBuffer(string: "payload=" + String(repeating: "a", count: UIForm.maximumBytes + 1))
                let tooLarge = try await client.execute(uri: "/flows/none/initialise", method: .post, headers: form, body: large)
                #expect(tooLarge.status == .contentTooLarge)
                #expect(tooLarge.errorCode == "body_too_large")
                // With the token in the header the form reaches the UI, which refuses it the same way.
                var withHeader = form
                withHeader[HTTPFields.Element.Name("X-CSRF-Token")!] = csrf
                let viaHeader = try await client.execute(uri: "/flows/none/initialise", method: .post, headers: withHeader, body: large)
                #expect(viaHeader.status == .contentTooLarge)
                // Just under the limit, the form is read and the token checked.
                let fits = ByteBuffer(string: "p=" + String(repeating: "a", count: UIForm.maximumBytes - 10))
                #expect(try await client.execute(uri: "/flows/none/initialise", method: .post, headers: form, body: fits).errorCode == "csrf_failed")
            }
        }
    }

    @Test func logoutTakesTheCSRFFormFieldAndEndsTheSession() async throws {
        try await withAccess { fixture in
            try await fixture.application().test(.router) { client in
                let (cookie, csrf) = try await signIn(client, as: "viewer")
                // Signing in again from a tab of a live session needs no CSRF token (sign-in checks the origin instead).
                let again = try await client.execute(
                    uri: "/login", method: .post,
                    headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "username=viewer&password=correct+horse+battery"))
                #expect(again.status == .seeOther)
                let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
                let refused = try await client.execute(uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "x=1"))
                #expect(refused.status == .forbidden)
                let out = try await client.execute(uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "_csrf=\(csrf)"))
                #expect(out.status == .seeOther)
                #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
                #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
                let audit = try await fixture.store.auditEntries(AuditQuery(action: "user.login"))
                #expect(audit.map(\.actor) == ["viewer", "viewer"])
            }
        }
    }

    @Test func wrongPasswordsAre401AndRepeatedFailuresAre429() async throws {
        try await withAccess { fixture in
            try await fixture.application(loginLimit: 3).test(.router) { client in
                let json: HTTPFields = [.contentType: "application/json"]
                for _ in 0..<3 {
                    let wrong = try await client.execute(
                        uri: "/login", method: .post, headers: json,
                        body: ByteBuffer(string: #"{"username":"admin","password":"nope-nope"}"#))
                    #expect(wrong.status == .unauthorized)
                }
                let limited = try await client.execute(
                    uri: "/login", method: .post, headers: json,
                    body: ByteBuffer(string: #"{"username":"admin","password":"correct horse battery"}"#))
                #expect(limited.status == .tooManyRequests)
                #expect(limited.errorCode == "rate_limited")
                #expect(limited.headers[.retryAfter] != nil)
                let other = try await client.execute(
                    uri: "/login", method: .post, headers: json,
                    body: ByteBuffer(string: #"{"username":"viewer","password":"correct horse battery"}"#))
                #expect(other.status == .ok)
                #expect(other.json["role"] == "viewer")
            }
        }
    }

    @Test func loginRedirectsOnlyWithinTheServer() {
        #expect(RedirectTarget.localPathOrHome("/runs/4?x=1") == "/runs/4?x=1")
        #expect(RedirectTarget.localPathOrHome("//evil.example/") == "/")
        #expect(RedirectTarget.localPathOrHome("https://evil.example/") == "/")
        #expect(RedirectTarget.localPathOrHome(nil) == "/")
    }

    @Test func passwordsAreStoredAsBcryptHashes() async throws {
        try await withAccess { fixture in
            let stored = try #require(try await fixture.store.user(named: "admin"))
            #expect(stored.passwordHash.hasPrefix("$2b$04$"))
            #expect(!stored.passwordHash.contains(AccessFixture.password))
            #expect(try await fixture.access.authenticate(username: "admin", password: AccessFixture.password)?.username == "admin")
            #expect(try await fixture.access.authenticate(username: "admin", password: "wrong password") == nil)
            #expect(try await fixture.access.authenticate(username: "ghost", password: AccessFixture.password) == nil)
            await #expect(throws: AccessError.self) { _ = try await fixture.access.createUser(username: "x", role: .viewer, password: "short") }
        }
    }

    @Test func theFirstAdminIsCreatedOnlyOnAnEmptyStore() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let access = AccessService(store: fixture.store, hasher: PasswordHasher(cost: 4))
        let password = try #require(try await access.createFirstAdminIfNeeded())
        #expect(try await access.authenticate(username: "admin", password: password)?.role == "admin")
        #expect(try await access.createFirstAdminIfNeeded() == nil)
    }
}
