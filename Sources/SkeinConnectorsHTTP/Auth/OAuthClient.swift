import SkeinCore
import SkeinJSON

/// Fetches OAuth 2 access tokens (RFC 6749 §4.4 client credentials, §6 refresh token).
///
/// The token request is a form POST to the instance's `token_url`, with the client
/// authenticated by HTTP Basic (the default, which every server must support) or, with
/// `client_auth: body`, by `client_id`/`client_secret` form fields. It is recorded on the
/// step like any call, with the client secret, refresh token and the new access token redacted.
enum OAuthClient {
    /// A string that changes whenever the grant or its credentials do; kept in memory only,
    /// to tell a cached token from one fetched for other credentials.
    static func fingerprint(_ grant: OAuthGrant, credentials: [String: String]) -> String {
        [
            grant.tokenURL, grant.scope ?? "", grant.clientAuthInBody ? "body" : "basic",
            credentials["client_id"] ?? "", credentials["client_secret"] ?? "", credentials["refresh_token"] ?? "",
        ]
        .joined(separator: "\u{0}")
    }

    static func fetch(
        _ grant: OAuthGrant, instance: Instance, rotatedRefreshToken: String?, transport: HTTPTransport,
        recorder: CallRecorder, redactor: Redactor, timeout: Duration
    ) async throws(ShapeFailure) -> OAuthTokenStore.Token {
        let clientID = instance.credentials["client_id"] ?? ""
        let clientSecret = instance.credentials["client_secret"] ?? ""
        var redactor = redactor
        var form: [(String, String)]
        switch grant.kind {
        case .clientCredentials:
            form = [("grant_type", "client_credentials")]
        case .refreshToken:
            let refreshToken = rotatedRefreshToken ?? instance.credentials["refresh_token"] ?? ""
            redactor.addSecret(refreshToken)
            form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        }
        if let scope = grant.scope { form.append(("scope", scope)) }
        var request = OutgoingRequest(
            method: "POST", url: grant.tokenURL,
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"),
            ])
        if grant.clientAuthInBody {
            form += [("client_id", clientID), ("client_secret", clientSecret)]
        } else {
            // RFC 6749 §2.3.1: the id and secret are form-encoded before Basic encoding.
            let pair = FormEncoding.encode(clientID) + ":" + FormEncoding.encode(clientSecret)
            let encoded = Base64.encode(Array(pair.utf8))
            redactor.addSecret(encoded)
            request.setHeader("Authorization", "Basic " + encoded)
        }
        request.body = Array(FormEncoding.encode(pairs: form).utf8)

        let what = "instance '\(instance.name)': could not get an OAuth access token from \(redactor.url(grant.tokenURL)): "
        let clock = ContinuousClock()
        let started = clock.now
        let reply: HTTPReply
        do {
            reply = try await transport.send(request, timeout: timeout, instance: instance.name)
        } catch {
            recorder.record(CallLog.entry(request, reply: nil, error: error.reason, duration: clock.now - started, redactor: redactor))
            throw ShapeFailure(redactor.text(what + error.reason), isTransient: error.isTransient)
        }
        let duration = clock.now - started
        let document = try? JSON(parsing: reply.body)
        if reply.isSuccess, let document, case .string(let accessToken)? = document["access_token"], !accessToken.isEmpty {
            redactor.addSecret(accessToken)
            if case .string(let newRefreshToken)? = document["refresh_token"] { redactor.addSecret(newRefreshToken) }
            recorder.record(CallLog.entry(request, reply: reply, error: nil, duration: duration, redactor: redactor))
            let expiresIn = document["expires_in"]?.numberValue ?? (document["expires_in"]?.stringValue).flatMap(Double.init)
            return OAuthTokenStore.Token(
                accessToken: accessToken,
                expiresAt: expiresIn.map { started + margin(forLifetime: $0) },
                refreshToken: document["refresh_token"]?.stringValue)
        }
        let reason = explain(reply, document: document, grant: grant)
        recorder.record(CallLog.entry(request, reply: reply, error: reason, duration: duration, redactor: redactor))
        let transient = reply.status >= 500 || reply.status == 408 || reply.status == 429
        let retryAfter = reply.status == 429 || reply.status == 503 ? reply.header("Retry-After").flatMap { RetryAfter.parse($0) } : nil
        throw ShapeFailure(
            redactor.text(what + reason), isTransient: transient, retryAfter: retryAfter,
            details: HTTPFailures.details(of: reply, redactor: redactor))
    }

    /// How long to use a token that lives `seconds`: a tenth less, at most 30 s less, so a
    /// request does not set out with a token that expires on the way.
    static func margin(forLifetime seconds: Double) -> Duration {
        let lifetime = max(0, seconds)
        let early = min(30, lifetime / 10)
        return .milliseconds(Int64((lifetime - early) * 1000))
    }

    private static func explain(_ reply: HTTPReply, document: JSON?, grant: OAuthGrant) -> String {
        var reason = reply.statusLine
        let code = document?["error"]?.stringValue
        if let code {
            reason += " (\(code)"
            if let description = document?["error_description"]?.stringValue { reason += ": \(description)" }
            reason += ")"
        } else if reply.isSuccess {
            reason += " without an access_token in the answer"
        }
        switch code {
        case "invalid_grant" where grant.kind == .refreshToken:
            reason += "; the refresh token has expired or was revoked: authorise the instance again and update its refresh_token credential"
        case "invalid_client":
            reason += "; check the instance's client_id and client_secret"
        default:
            if reply.status == 401 || reply.status == 403 { reason += "; check the instance's client_id and client_secret" }
        }
        return reason
    }
}

/// `application/x-www-form-urlencoded`, as token endpoints and `body: form` expect it.
enum FormEncoding {
    static func encode(_ text: String) -> String {
        URLText.percentEncode(text, keeping: URLText.unreserved)
    }

    static func encode(pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }
}
