import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SkeinConnectorsHTTP
import SkeinJSON

/// The secrets the test server accepts. Tests assert none of them ever shows up in a
/// recorded call or an error message.
enum Secrets {
    static let username = "shop-user"
    static let password = "pa55-w0rd-very-secret"
    static let bearer = "bearer-token-s3cr3t-42"
    static let apiKey = "api-key-s3cr3t-9001"
    static let clientID = "skein-client"
    static let clientSecret = "client-secret-s3cr3t-77"
    static let refreshToken = "refresh-token-s3cr3t-1"

    static var all: [String] { [password, bearer, apiKey, clientSecret, refreshToken] }
}

/// What the test server remembers between requests (per server, so tests stay independent).
actor ServerState {
    private var counters: [String: Int] = [:]
    private(set) var arrivals: [String: [ContinuousClock.Instant]] = [:]
    /// Access tokens the server issued, with when each stops being accepted.
    private var issuedTokens: [String: ContinuousClock.Instant] = [:]
    /// How long issued tokens are accepted, and the `expires_in` the server claims.
    var tokenLifetime: Duration = .seconds(3600)
    var advertisedExpiresIn = 3600
    /// The refresh token the server accepts now (it rotates on each use).
    private var currentRefreshToken = Secrets.refreshToken
    /// Idempotency key → the response body stored for it.
    private(set) var receivedByKey: [String: String] = [:]

    func count(_ key: String) -> Int {
        counters[key, default: 0] += 1
        arrivals[key, default: []].append(ContinuousClock.now)
        return counters[key]!
    }

    func hits(_ key: String) -> Int { counters[key, default: 0] }

    private var inFlight = 0
    /// The most requests to `/slow-echo` in flight at once.
    private(set) var mostInFlight = 0
    /// How many `/slow-echo` requests must be in flight together before any of them answers.
    ///
    /// A 30 ms pause alone does not make a sender's requests overlap on a loaded machine, so a
    /// test that wants to see its concurrency limit reached sets a crowd: the first requests
    /// wait until that many are in flight, and once it has gathered none wait again. They give
    /// up after 5 s, inside the client's 10 s request timeout, so a limit set too low shows as a
    /// wrong `mostInFlight` rather than as a timed-out send.
    private var crowd = 0
    private var crowdGathered = true
    func expectCrowd(_ size: Int) { crowd = size; crowdGathered = false }

    /// Counts a `/slow-echo` request in, then waits for the expected crowd, if any.
    func enter() async throws {
        inFlight += 1
        mostInFlight = max(mostInFlight, inFlight)
        if inFlight >= crowd { crowdGathered = true }
        let giveUp = ContinuousClock.now + .seconds(5)
        while !crowdGathered, ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(2))  // suspends, so other requests can enter
        }
    }
    func leave() { inFlight -= 1 }

    func setTokenLifetime(_ lifetime: Duration, advertised: Int) {
        tokenLifetime = lifetime
        advertisedExpiresIn = advertised
    }

    func issueToken() -> String {
        let token = "access-\(count("token-issued"))-\(Int.random(in: 1000...9999))"
        issuedTokens[token] = ContinuousClock.now + tokenLifetime
        return token
    }

    /// Stops accepting every token issued so far, as a server does when it revokes or expires them early.
    func revokeIssuedTokens() {
        for token in issuedTokens.keys { issuedTokens[token] = ContinuousClock.now }
    }

    /// The access tokens `/oauth/data` was called with, in order.
    private(set) var tokensPresented: [String] = []

    func isValid(_ token: String) -> Bool {
        tokensPresented.append(token)
        guard let expiry = issuedTokens[token] else { return false }
        return expiry > ContinuousClock.now
    }

    /// Accepts `token` once and rotates it; nil when it is not the current one.
    func useRefreshToken(_ token: String) -> String? {
        guard token == currentRefreshToken else { return nil }
        currentRefreshToken = "refresh-rotated-\(count("refresh-rotations"))"
        return currentRefreshToken
    }

    func store(key: String, body: String) -> (stored: String, isNew: Bool) {
        if let existing = receivedByKey[key] { return (existing, false) }
        receivedByKey[key] = body
        return (body, true)
    }
}

/// A real HTTP server on 127.0.0.1 (port 0: the kernel picks a free one, the server reports it),
/// serving the routes the tests need.
enum TestServer {
    /// Starts a server, runs `body` with its base URL, and stops it.
    ///
    /// The server is stopped by a graceful shutdown, never by cancelling its task: cancelling
    /// a Hummingbird (NIOAsyncChannel) server while a connection it has just accepted waits to
    /// be served drops that connection's writer unfinished, and NIO stops the whole test
    /// process with "Deinited NIOAsyncWriter without calling finish()" (swift-nio #2813, #3481).
    /// Graceful shutdown stops accepting, serves what was accepted and closes idle connections.
    static func with<T: Sendable>(_ body: @Sendable (_ baseURL: String, _ state: ServerState) async throws -> T) async throws -> T {
        let state = ServerState()
        let router = Router()
        addRoutes(to: router, state: state)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "skein-http-test-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let server = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }  // a server that cannot start ends the wait for its port
                try await server.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()  // throws why the server stopped
                throw CancellationError()
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await body("http://127.0.0.1:\(port)", state))
            } catch {
                result = .failure(error)
            }
            await server.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func text(_ text: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/plain"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func base64(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(text.utf8)
        var output = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)]) + [0, 0]
            let value = Int(chunk[0]) << 16 | Int(chunk[1]) << 8 | Int(chunk[2])
            output.append(alphabet[value >> 18 & 63])
            output.append(alphabet[value >> 12 & 63])
            output.append(bytes.count - index > 1 ? alphabet[value >> 6 & 63] : "=")
            output.append(bytes.count - index > 2 ? alphabet[value & 63] : "=")
            index += 3
        }
        return output
    }

    static func form(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding() }
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }

    // swiftlint:disable:next function_body_length
    private static func addRoutes(to router: Router<BasicRequestContext>, state: ServerState) {
        let unauthorized = text("bad credentials", status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"shop\""])

        // MARK: Authentication
        router.get("/basic") { request, _ in
            let expected = "Basic " + base64(Secrets.username + ":" + Secrets.password)
            return request.headers[.authorization] == expected ? json(#"{"auth":"basic"}"#) : unauthorized
        }
        router.get("/bearer") { request, _ in
            request.headers[.authorization] == "Bearer " + Secrets.bearer ? json(#"{"auth":"bearer"}"#) : unauthorized
        }
        router.get("/apikey-header") { request, _ in
            request.headers[.init("X-Shop-Key")!] == Secrets.apiKey ? json(#"{"auth":"api_key header"}"#) : unauthorized
        }
        router.get("/apikey-query") { request, _ in
            request.uri.queryParameters["api_key"].map(String.init) == Secrets.apiKey ? json(#"{"auth":"api_key query"}"#) : unauthorized
        }
        // Echoes every header and the query back, secrets included, as a careless API might.
        router.get("/echo") { request, _ in
            var lines: [String] = []
            for field in request.headers { lines.append("\(field.name.rawName): \(field.value)") }
            lines.append("query: \(request.uri.query ?? "")")
            return text(lines.joined(separator: "\n"), status: .badRequest)
        }

        // MARK: OAuth 2
        router.post("/oauth/token") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
            let form = form(body)
            let basic = "Basic " + base64(Secrets.clientID + ":" + Secrets.clientSecret)
            let clientOK =
                request.headers[.authorization] == basic
                || (form["client_id"] == Secrets.clientID && form["client_secret"] == Secrets.clientSecret)
            guard clientOK else {
                return json(#"{"error":"invalid_client","error_description":"unknown client or wrong secret"}"#, status: .unauthorized)
            }
            var refreshPart = ""
            switch form["grant_type"] {
            case "client_credentials": break
            case "refresh_token":
                guard let presented = form["refresh_token"], let rotated = await state.useRefreshToken(presented) else {
                    return json(#"{"error":"invalid_grant","error_description":"refresh token expired"}"#, status: .badRequest)
                }
                refreshPart = #","refresh_token":"\#(rotated)""#
            default:
                return json(#"{"error":"unsupported_grant_type"}"#, status: .badRequest)
            }
            let token = await state.issueToken()
            let expiresIn = await state.advertisedExpiresIn
            return json(#"{"access_token":"\#(token)","token_type":"Bearer","expires_in":\#(expiresIn)\#(refreshPart)}"#)
        }
        router.get("/oauth/data") { request, _ in
            _ = await state.count("oauth-data")
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
                await state.isValid(String(header.dropFirst(7)))
            else {
                return json(#"{"error":"invalid_token","error_description":"the access token expired"}"#, status: .unauthorized)
            }
            return json(#"{"orders":[1,2,3]}"#)
        }

        // MARK: Pagination
        router.get("/pages/page") { request, _ in
            let page = Int(request.uri.queryParameters["page"] ?? "1") ?? 1
            let items = page <= 3 ? "[\(page * 10 + 1),\(page * 10 + 2)]" : "[]"
            return json(#"{"page":\#(page),"orders":\#(items)}"#)
        }
        router.get("/pages/endless") { request, _ in
            let page = Int(request.uri.queryParameters["page"] ?? "1") ?? 1
            return json(#"{"orders":[\#(page)]}"#)
        }
        router.get("/pages/offset") { request, _ in
            let offset = Int(request.uri.queryParameters["offset"] ?? "0") ?? 0
            let limit = Int(request.uri.queryParameters["limit"] ?? "100") ?? 100
            let items = (0..<7).map { "\($0)" }.dropFirst(offset).prefix(limit).joined(separator: ",")
            return json(#"{"items":[\#(items)]}"#)
        }
        router.get("/pages/cursor") { request, _ in
            switch request.uri.queryParameters["cursor"].map(String.init) {
            case nil: return json(#"{"data":["a"],"meta":{"next_cursor":"c2"}}"#)
            case "c2": return json(#"{"data":["b"],"meta":{"next_cursor":"c3"}}"#)
            case "c3": return json(#"{"data":["c"],"meta":{"next_cursor":null}}"#)
            default: return json(#"{"error":"bad cursor"}"#, status: .badRequest)
            }
        }
        router.get("/pages/link") { request, _ in
            let page = Int(request.uri.queryParameters["page"] ?? "1") ?? 1
            var headers: HTTPFields = [:]
            if page < 3 {
                headers[.init("Link")!] = #"</pages/link?page=\#(page + 1)>; rel="next", </pages/link?page=3>; rel="last""#
            }
            return json(#"[\#(page)]"#, headers: headers)
        }
        router.get("/pages/next") { request, _ in
            let page = Int(request.uri.queryParameters["page"] ?? "1") ?? 1
            let next = page < 3 ? #""next?page=\#(page + 1)""# : "null"
            return json(#"{"data":[\#(page)],"links":{"next":\#(next)}}"#)
        }
        router.get("/pages/elsewhere") { _, _ in
            json(#"{"data":[1],"links":{"next":"http://198.51.100.7/steal"}}"#)
        }

        // MARK: Failures and limits
        router.get("/limited") { _, _ in
            _ = await state.count("limited")
            return json(#"{"ok":true}"#)
        }
        router.get("/throttled") { _, _ in
            if await state.count("throttled") == 1 {
                return text("slow down", status: .tooManyRequests, headers: [.retryAfter: "1"])
            }
            return json(#"{"ok":true}"#)
        }
        router.get("/flaky") { _, _ in
            if await state.count("flaky") == 1 {
                return text("database hiccup", status: .internalServerError)
            }
            return json(#"{"ok":true}"#)
        }
        router.get("/missing") { _, _ in
            json(#"{"error":"no such order","id":42}"#, status: .notFound)
        }
        router.get("/slow") { _, _ in
            try await Task.sleep(for: .seconds(3))
            return json(#"{"ok":true}"#)
        }

        // MARK: An idempotent receiver
        // Stores each body once per Idempotency-Key; the first try of the second payload (index 1,
        // or reference #2 for sends with sync:, whose keys are content-derived) fails with 503.
        router.post("/receiver") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
            guard let key = request.headers[.init("Idempotency-Key")!] else {
                return json(#"{"error":"Idempotency-Key is required"}"#, status: .badRequest)
            }
            if key.hasSuffix("-1") || body.contains(##""ref":"#2""##), await state.count("receiver-second") == 1 {
                return text("try again", status: .serviceUnavailable, headers: [.retryAfter: "0"])
            }
            let (stored, isNew) = await state.store(key: key, body: body)
            _ = await state.count(isNew ? "receiver-new" : "receiver-replayed")
            return json(#"{"received":\#(stored)}"#, status: isNew ? .created : .ok)
        }
        // MARK: A bulk endpoint
        // Takes {"orders": [...]} and answers {"results": [{"erp_id": "E-<sku>"}, ...]}, one per order, in order;
        // a batch holding sku FAIL is refused with 503; a batch holding sku SUMMARY gets only a count back.
        router.post("/bulk") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            _ = await state.count("bulk")
            guard case .array(let orders)? = try JSON(parsing: Array(body.readableBytesView))["orders"] else {
                return json(#"{"error":"expected {\"orders\": [...]}"}"#, status: .badRequest)
            }
            let skus = orders.map { $0["sku"]?.stringValue ?? "" }
            if skus.contains("FAIL") { return text("bulk import busy", status: .serviceUnavailable) }
            if skus.contains("SUMMARY") { return json(#"{"imported":\#(skus.count)}"#) }
            let results = JSON.array(skus.map { ["erp_id": .string("E-" + $0)] })
            return json(JSON.object(["results": results]).serialized())
        }
        router.post("/form") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
            let type = request.headers[.contentType] ?? ""
            return json(#"{"content_type":"\#(type)","body":"\#(body)"}"#)
        }
        router.post("/slow-echo") { request, _ in
            // Echoes the body after 30 ms, counting how many requests are in flight at once.
            let body = try await request.body.collect(upTo: 1 << 16)
            try await state.enter()
            try await Task.sleep(for: .milliseconds(30))
            await state.leave()
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        router.post("/csv") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 16)
            return Response(status: .ok, headers: [.contentType: request.headers[.contentType] ?? "none"], body: .init(byteBuffer: body))
        }
    }
}

extension String {
    func removingPercentEncoding() -> String {
        var bytes: [UInt8] = []
        var iterator = Array(utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
