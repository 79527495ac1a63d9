import Foundation
import Hummingbird
import NIOCore
import SkeinJSON
import SkeinOperations

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
        let next = RedirectTarget.localPathOrHome(request.uri.queryParameters["next"].map(String.init))
        if context.identity != nil { return Response(status: .seeOther, headers: [.location: next]) }
        return LoginPage.response(status: .ok, next: next, username: "", error: nil)
    }

    func login(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        var request = request
        let isJSON = request.headers[.contentType]?.lowercased().hasPrefix("application/json") ?? false
        // A sign-in form posted from another site would sign the victim in as the attacker.
        try AccessMiddleware(access: access, settings: settings).checkSameOrigin(request)
        let body: String
        do { body = String(buffer: try await request.collectBody(upTo: Self.maximumBodyBytes)) } catch {
            throw APIError(.bodyTooLarge, "a sign-in is at most \(Self.maximumBodyBytes) bytes")
        }
        let username: String, password: String, next: String
        if isJSON {
            guard case .object(let fields)? = try? JSON(parsing: Array(body.utf8)) else {
                throw APIError(.invalidBody, "send {\"username\": \"…\", \"password\": \"…\"}")
            }
            username = fields["username"]?.stringValue ?? ""
            password = fields["password"]?.stringValue ?? ""
            next = RedirectTarget.localPathOrHome(fields["next"]?.stringValue)
        } else {
            let form = FormFields(body)
            username = form["username"] ?? ""
            password = form["password"] ?? ""
            next = RedirectTarget.localPathOrHome(form["next"])
        }
        func refuse(_ error: APIError, status: HTTPResponse.Status) -> Response {
            isJSON
                ? JSONResponse.make(status: status, error.json)
                : LoginPage.response(status: status, next: next, username: username, error: error.message)
        }
        let wrong = APIError(.unauthenticated, "wrong username or password")
        // No user has an empty password or a name outside the username rules: such a sign-in is
        // not a guess, so it is answered at once and counts against nobody.
        guard !password.isEmpty, (try? AccessService.validate(username: username)) != nil else {
            return refuse(wrong, status: .unauthorized)
        }
        let address = ClientAddress.key(
            peer: context.remoteAddress, forwardedFor: request.headers[Self.forwardedFor],
            trustForwardedFor: settings.trustForwardedFor)
        let ticket: LoginThrottle.Ticket
        switch await throttle.admit(username: username, address: address, now: access.now()) {
        case .admitted(let admitted): ticket = admitted
        case .refused(let wait, let reason):
            context.logger.notice("sign-in refused: rate limited", metadata: ["user": "\(username)", "address": "\(address ?? "-")"])
            var response = refuse(APIError(.rateLimited, "\(reason); try again in \(wait) seconds"), status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard let user = try await access.authenticate(username: username, password: password) else {
            context.logger.notice("sign-in failed", metadata: ["user": "\(username)", "address": "\(address ?? "-")"])
            return refuse(wrong, status: .unauthorized)
        }
        await throttle.succeeded(ticket)
        let (cookieValue, session) = try await access.startSession(for: user)
        try await access.audit(actor: user.username, action: "user.login", target: "user:\(user.username)")
        var response =
            isJSON
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
        let secure =
            switch settings.cookieSecurity {
            case .always: true
            case .never: false
            case .auto: request.headers.first { $0.name.canonicalName == "x-forwarded-proto" }?.value.lowercased() == "https"
            }
        return Cookie(
            name: AccessSettings.sessionCookie, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true,
            sameSite: .strict)
    }

    static let forwardedFor = HTTPFields.Element.Name("X-Forwarded-For")!

    /// The most of a sign-in body read (a username, a password and `next`).
    static let maximumBodyBytes = 64 * 1024
}
