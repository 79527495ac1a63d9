import SkeinCore
import SkeinJSON

/// One step's conversation with one instance: every request goes through `send`, which
/// adds the instance's headers and credentials, waits for the rate limit, sends, records
/// the call, and retries once with a fresh OAuth token when the system answers 401.
///
/// It also keeps to what the system says about its limits (`throttle:`): it waits for a
/// Shopify cost bucket or a BigCommerce request quota before sending, and with
/// `retry_throttled: N` it waits and sends again up to N times when the system answers 429 or
/// a GraphQL `THROTTLED` error anyway (at most a minute each), so a busy system slows a step
/// down instead of failing it.
///
/// It does not judge the status code: the caller decides what a 404 means (a failed send,
/// a `test` that reached the system). `HTTPFailures` turns statuses into failures.
struct InstanceSession: Sendable {
    let instance: Instance
    let settings: HTTPInstanceSettings
    let transport: HTTPTransport
    let limiters: RateLimiters
    let tokens: OAuthTokenStore
    let throttles: Throttles
    let recorder: CallRecorder
    let timeout: Duration
    private(set) var redactor: Redactor

    init(
        instance: Instance, transport: HTTPTransport, limiters: RateLimiters, tokens: OAuthTokenStore, throttles: Throttles = Throttles(),
        recorder: CallRecorder, timeout: Duration?
    ) throws(ShapeFailure) {
        guard instance.connectorType == "http" else {
            throw ShapeFailure("instance '\(instance.name)' is a \(instance.connectorType) instance; the http shape needs an http one")
        }
        guard URLText.origin(instance.address) != nil else {
            throw ShapeFailure(
                instance.redact(
                    "instance '\(instance.name)': the address '\(URLText.display(instance.address, secretQueryNames: []))' is not an http:// or https:// URL"))
        }
        self.instance = instance
        self.settings = try HTTPInstanceSettings.read(instance)
        self.transport = transport
        self.limiters = limiters
        self.tokens = tokens
        self.throttles = throttles
        self.recorder = recorder
        self.timeout = timeout ?? instance.timeout
        self.redactor = Redactor(instance: instance, auth: settings.auth)
    }

    var variables: [String: String] { instance.variables }

    /// The instance's default headers, rendered (`headers:` in its settings).
    func defaultHeaders(scope: VariableScope) throws(ShapeFailure) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("User-Agent", "Skein")]
        for (name, template) in settings.headers {
            do {
                headers.removeAll { $0.name.lowercased() == name.lowercased() }
                headers.append((name, try template.render(lookup: scope.value)))
            } catch {
                throw ShapeFailure("instance '\(instance.name)': header \(name) uses {{\(error.name)}}, which is neither an instance nor a flow variable")
            }
        }
        return headers
    }

    /// Sends `request` with credentials, records it, and returns the response whatever its status.
    mutating func send(_ request: OutgoingRequest) async throws(ShapeFailure) -> HTTPReply {
        var retries = 0
        while true {
            let reply = try await sendAuthorized(request)
            guard retries < settings.retryThrottled, let wait = await throttledWait(reply, request: request), wait <= .seconds(60) else { return reply }
            retries += 1
            do { try await Task.sleep(for: wait) } catch { throw HTTPFailures.failure(for: .cancelled, request: request, redactor: redactor) }
        }
    }

    private mutating func sendAuthorized(_ request: OutgoingRequest) async throws(ShapeFailure) -> HTTPReply {
        var authorized = request
        let usedToken = try await authorize(&authorized)
        redactor.learnSecrets(from: authorized.headers)
        let reply = try await exchange(authorized)
        guard reply.status == 401, let usedToken else { return reply }
        // The token may have expired early or been revoked: fetch a new one and try once more.
        await tokens.invalidate(instance: instance.name, accessToken: usedToken)
        authorized = request
        _ = try await authorize(&authorized)
        redactor.learnSecrets(from: authorized.headers)
        return try await exchange(authorized)
    }

    /// How long to wait before sending again, when the answer says the system is throttling us.
    private func throttledWait(_ reply: HTTPReply, request: OutgoingRequest) async -> Duration? {
        if reply.status == 429 {
            if let header = reply.header("Retry-After"), let wait = RetryAfter.parse(header) { return wait }
            if case .quotaHeaders(_, let resetHeader)? = settings.throttle,
                let milliseconds = reply.header(resetHeader).flatMap({ Int($0.trimmingWhitespace()) })
            {
                return .milliseconds(max(0, milliseconds))
            }
            return .seconds(1)
        }
        guard case .graphqlCost? = settings.throttle, reply.isSuccess,
            let document = try? JSON(parsing: reply.body), let errors = GraphQLReply.errors(in: document), errors.throttled
        else { return nil }
        return await throttles.waitFor(query: Self.graphQLQuery(of: request), instance: instance.name)
    }

    /// The GraphQL query a request sends (its cost is remembered per query text).
    static func graphQLQuery(of request: OutgoingRequest) -> String {
        guard let body = request.body, let document = try? JSON(parsing: body) else { return "" }
        return document["query"]?.stringValue ?? ""
    }

    /// Adds the credentials to `request`; returns the OAuth access token used, if any.
    private mutating func authorize(_ request: inout OutgoingRequest) async throws(ShapeFailure) -> String? {
        let credentials = instance.credentials
        switch settings.auth {
        case .none:
            return nil
        case .basic:
            let pair = (credentials["username"] ?? "") + ":" + (credentials["password"] ?? "")
            request.setHeader("Authorization", "Basic " + Base64.encode(Array(pair.utf8)))
            return nil
        case .bearer:
            request.setHeader("Authorization", "Bearer " + (credentials["token"] ?? ""))
            return nil
        case .apiKey(.header(let name)):
            request.setHeader(name, credentials["api_key"] ?? "")
            return nil
        case .apiKey(.query(let name)):
            request.url = URLText.settingQuery(request.url, name, credentials["api_key"] ?? "")
            return nil
        case .oauth2(let grant):
            let token = try await accessToken(grant)
            redactor.addSecret(token.accessToken)
            if let refreshToken = token.refreshToken { redactor.addSecret(refreshToken) }
            request.setHeader("Authorization", "Bearer " + token.accessToken)
            return token.accessToken
        }
    }

    private func accessToken(_ grant: OAuthGrant) async throws(ShapeFailure) -> OAuthTokenStore.Token {
        let (instance, transport, recorder, redactor, timeout) = (instance, transport, recorder, redactor, timeout)
        do {
            return try await tokens.token(for: instance.name, fingerprint: OAuthClient.fingerprint(grant, credentials: instance.credentials)) { rotated in
                try await OAuthClient.fetch(
                    grant, instance: instance, rotatedRefreshToken: rotated, transport: transport,
                    recorder: recorder, redactor: redactor, timeout: timeout)
            }
        } catch let failure as ShapeFailure {
            throw failure
        } catch {
            throw ShapeFailure(redactor.text("instance '\(instance.name)': could not get an OAuth access token: \(error)"), isTransient: true)
        }
    }

    /// One request and its response, within the rate limit and the system's throttle, recorded on the step.
    private func exchange(_ request: OutgoingRequest) async throws(ShapeFailure) -> HTTPReply {
        do {
            try await limiters.wait(for: instance.name, limit: instance.rateLimit)
            switch settings.throttle {
            case .graphqlCost?:
                let start = await throttles.reserve(query: Self.graphQLQuery(of: request), instance: instance.name)
                try await Task.sleep(until: start, clock: .continuous)
            case .quotaHeaders?:
                try await Task.sleep(until: await throttles.reserveRequest(instance: instance.name), clock: .continuous)
            case nil:
                break
            }
        } catch {
            throw HTTPFailures.failure(for: .cancelled, request: request, redactor: redactor)
        }
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let reply = try await transport.send(request, timeout: timeout, instance: instance.name)
            let error = reply.isSuccess ? nil : reply.statusLine
            recorder.record(CallLog.entry(request, reply: reply, error: error, duration: clock.now - started, redactor: redactor))
            await observeThrottle(reply, request: request)
            return reply
        } catch {
            recorder.record(CallLog.entry(request, reply: nil, error: error.reason, duration: clock.now - started, redactor: redactor))
            throw HTTPFailures.failure(for: error, request: request, redactor: redactor)
        }
    }

    /// Remembers what the answer says about the system's limits.
    private func observeThrottle(_ reply: HTTPReply, request: OutgoingRequest) async {
        switch settings.throttle {
        case .graphqlCost(let costPath)?:
            guard let document = try? JSON(parsing: reply.body), let cost = QueryCost.read(document, at: costPath) else { return }
            await throttles.observe(cost, query: Self.graphQLQuery(of: request), instance: instance.name)
        case .quotaHeaders(let remainingHeader, let resetHeader)?:
            guard let remaining = reply.header(remainingHeader).flatMap({ Int($0.trimmingWhitespace()) }),
                let reset = reply.header(resetHeader).flatMap({ Int($0.trimmingWhitespace()) })
            else { return }
            await throttles.observe(remaining: remaining, resetIn: .milliseconds(max(0, reset)), instance: instance.name)
        case nil:
            break
        }
    }
}
