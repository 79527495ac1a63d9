import Foundation
import Hummingbird
import NIOCore
import SkeinOperations

/// Finds out who is calling and keeps everyone else out.
///
/// 1. `Authorization: Bearer skn_…` → the token's identity (401 if the token is unknown or revoked).
/// 2. Else the `skein_session` cookie → the session's identity. Unsafe methods (POST, PUT, PATCH,
///    DELETE) of a session must also carry its CSRF token, as the `X-CSRF-Token` header or the
///    `_csrf` form field, and must not come from another origin — else 403 `csrf_failed`.
/// 3. Public paths (/health, /health/ready, /webhooks/…, /login, static files) are served to anyone.
/// 4. Anyone else gets 401 JSON under /api/, at /mcp and for unsafe methods, and a redirect to /login for pages.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = SkeinRequestContext
    let access: AccessService
    let settings: AccessSettings

    static let unsafeMethods: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]
    /// The most of a form body read to find `_csrf`: the UI's form limit.
    static var maximumFormBytes: Int { UIForm.maximumBytes }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let path = request.uri.path
        let isPublic = isPublicPath(path)
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer ") else {
                throw APIError(.unauthenticated, "send API tokens as 'Authorization: Bearer TOKEN'")
            }
            let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let identity = try await access.identity(bearerToken: token) else {
                throw APIError(.unauthenticated, "the API token is not valid (unknown or revoked)")
            }
            context.identity = identity
        } else if let cookie = request.cookies[AccessSettings.sessionCookie] {
            context.identity = try await access.identity(sessionCookie: cookie.value)
            // Sign-in itself is exempt (it checks the origin and needs no session); a stale sign-in tab still works.
            if let identity = context.identity, Self.unsafeMethods.contains(request.method), path != "/login" {
                try checkSameOrigin(request)
                try await checkCSRF(&request, expected: identity.csrfToken ?? "")
            }
        }
        if isPublic || context.identity != nil { return try await next(request, context) }
        if path.hasPrefix("/api/") || path == "/mcp" || Self.unsafeMethods.contains(request.method) {
            throw APIError(.unauthenticated, "sign in or send an API token (Authorization: Bearer TOKEN)")
        }
        var target = path
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        let location = "/login?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
        return Response(status: .seeOther, headers: [.location: location])
    }

    func isPublicPath(_ path: String) -> Bool {
        path == "/health" || path == "/health/ready" || path == "/login" || path == "/favicon.ico" || path.hasPrefix("/webhooks/")
            || settings.publicPrefixes.contains { path.hasPrefix($0) }
    }

    /// A browser names the page a request came from in `Origin`; it must be this server.
    func checkSameOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? ""
        guard let url = URL(string: origin), let originHost = url.host else {
            throw APIError(.csrfFailed, "cross-site request refused (Origin '\(origin)')")
        }
        let originAuthority = originHost + (url.port.map { ":\($0)" } ?? "")
        guard originAuthority.lowercased() == host.lowercased() else {
            throw APIError(.csrfFailed, "cross-site request refused: it came from \(origin), not from this server")
        }
    }

    func checkCSRF(_ request: inout Request, expected: String) async throws {
        var presented = request.headers.first { $0.name.canonicalName == "x-csrf-token" }?.value
        if presented == nil, let type = request.headers[.contentType], type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            // Too large is answered before anything else is checked (and never as a 500).
            let tooLarge = APIError(.bodyTooLarge, "a form is at most \(Self.maximumFormBytes) bytes")
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > Self.maximumFormBytes { throw tooLarge }
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: Self.maximumFormBytes) } catch { throw tooLarge }
            presented = FormFields(String(buffer: body))["_csrf"]
        }
        guard let presented, !expected.isEmpty, SecretText.constantTimeEqual(presented, expected) else {
            throw APIError(.csrfFailed, "this request needs the session's CSRF token (form field _csrf or header X-CSRF-Token)")
        }
    }
}

/// `application/x-www-form-urlencoded` fields (the last value of a repeated name wins).
struct FormFields {
    var values: [String: String] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            values[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    subscript(name: String) -> String? { values[name] }
}
