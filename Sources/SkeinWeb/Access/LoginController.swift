import Foundation
import Hummingbird
import NIOCore
import SkeinJSON

/// `GET /login` (the form), `POST /login` (form or JSON: username, password, next) and
/// `POST /logout`. Sign-in sets the `skein_session` cookie: HttpOnly, SameSite=Strict, Path=/,
/// and Secure over https (see `AccessSettings.CookieSecurity`).
struct LoginController: Sendable {
    let access: AccessService
    let settings: AccessSettings
    let throttle: LoginThrottle

    func addRoutes(to router: Router<SkeinRequestContext>) {
        router.get("login") { request, context in try await self.form(request, context: context) }
        router.post("login") { request, context in try await self.login(request, context: context) }
        router.post("logout") { request, context in try await self.logout(request, context: context) }
    }

    func form(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
        if context.identity != nil { return Response(status: .seeOther, headers: [.location: next]) }
        return LoginPage.response(status: .ok, next: next, username: "", error: nil)
    }

    func login(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        var request = request
        let isJSON = request.headers[.contentType]?.lowercased().hasPrefix("application/json") ?? false
        // A sign-in form posted from another site would sign the victim in as the attacker.
        try AccessMiddleware(access: access, settings: settings).checkSameOrigin(request)
        let body = String(buffer: try await request.collectBody(upTo: 64 * 1024))
        let username: String, password: String, next: String
        if isJSON {
            guard case .object(let fields)? = try? JSON(parsing: Array(body.utf8)) else {
                throw APIError(.invalidBody, "send {\"username\": \"…\", \"password\": \"…\"}")
            }
            username = fields["username"]?.stringValue ?? ""
            password = fields["password"]?.stringValue ?? ""
            next = Self.safeNext(fields["next"]?.stringValue)
        } else {
            let form = FormFields(body)
            username = form["username"] ?? ""
            password = form["password"] ?? ""
            next = Self.safeNext(form["next"])
        }
        let now = access.now()
        if let wait = await throttle.retryAfter(username, now: now) {
            let error = APIError(.rateLimited, "too many failed sign-ins for this user; try again in \(wait) seconds")
            var response = isJSON ? JSONResponse.make(status: .tooManyRequests, error.json)
                : LoginPage.response(status: .tooManyRequests, next: next, username: username, error: error.message)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard !username.isEmpty, !password.isEmpty, let user = try await access.authenticate(username: username, password: password) else {
            await throttle.recordFailure(username, now: now)
            context.logger.notice("sign-in failed", metadata: ["user": "\(username)"])
            let error = APIError(.unauthenticated, "wrong username or password")
            return isJSON ? JSONResponse.make(status: .unauthorized, error.json)
                : LoginPage.response(status: .unauthorized, next: next, username: username, error: error.message)
        }
        await throttle.reset(username)
        let (cookieValue, session) = try await access.startSession(for: user)
        try await access.audit(actor: user.username, action: "user.login", target: "user:\(user.username)")
        var response = isJSON
            ? JSONResponse.make(status: .ok, ["username": .string(user.username), "role": .string(user.role), "csrf_token": .string(session.csrfToken)])
            : Response(status: .seeOther, headers: [.location: next])
        response.setCookie(sessionCookie(cookieValue, request: request, maxAge: Int(access.sessionLifetime)))
        return response
    }

    func logout(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        if let cookie = request.cookies[AccessSettings.sessionCookie] { try await access.endSession(cookieValue: cookie.value) }
        var response = Response(status: .seeOther, headers: [.location: "/login"])
        response.setCookie(sessionCookie("", request: request, maxAge: 0))
        return response
    }

    func sessionCookie(_ value: String, request: Request, maxAge: Int) -> Cookie {
        let secure = switch settings.cookieSecurity {
        case .always: true
        case .never: false
        case .auto: request.headers.first { $0.name.canonicalName == "x-forwarded-proto" }?.value.lowercased() == "https"
        }
        return Cookie(name: AccessSettings.sessionCookie, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true,
                      sameSite: .strict)
    }

    /// Only a path on this server (`/…`, not `//host`), so sign-in cannot redirect elsewhere.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), !next.contains("\r"), !next.contains("\n") else {
            return "/"
        }
        return next
    }
}
