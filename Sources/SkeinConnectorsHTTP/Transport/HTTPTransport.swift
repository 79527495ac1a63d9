import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SkeinCore
import SkeinInstrumentation

/// Why a request got no HTTP response at all.
enum TransportError: Error, Sendable {
    /// No complete response within the timeout (connecting, waiting or reading the body).
    case timedOut(Duration)
    /// The connection could not be made or broke (refused, reset, DNS, TLS).
    case connection(String)
    /// The response body was larger than the connector accepts.
    case tooLarge(limit: Int)
    /// The URL or request could not be sent as written (not retried).
    case invalid(String)
    /// The step was cancelled while the request was in flight.
    case cancelled

    /// Whether trying again later could help.
    var isTransient: Bool {
        switch self {
        case .timedOut, .connection: true
        case .tooLarge, .invalid, .cancelled: false
        }
    }

    /// What happened, for `… failed: <reason>`.
    var reason: String {
        switch self {
        case .timedOut(let timeout): "no response within \(DurationText.format(timeout)) (timed out)"
        case .connection(let detail): detail
        case .tooLarge(let limit): "the response body is larger than \(limit / (1024 * 1024)) MiB"
        case .invalid(let detail): detail
        case .cancelled: "cancelled"
        }
    }
}

/// Sends one request with AsyncHTTPClient and reads the whole response, within a timeout.
///
/// AsyncHTTPClient's deadline covers the request until the response head arrives; a server
/// that sends its headers and then trickles the body would outlive it. So the whole exchange,
/// body included, races a timer here, and the loser is cancelled.
///
/// Each request is a connector call (`ConnectorCall`): a client span whose W3C `traceparent`
/// goes to the system with the request, and the call metrics for `instance`. The span names the
/// method and host, never the path or query (they can hold credentials).
struct HTTPTransport: Sendable {
    let client: HTTPClient
    /// Largest response body read (a page of a receive, the answer to a send).
    let maximumResponseBytes: Int

    func send(_ request: OutgoingRequest, timeout: Duration, instance: String) async throws(TransportError) -> HTTPReply {
        try await ConnectorCall.measure(
            "HTTP \(request.method)", connector: "http", instance: instance,
            end: { (result: Result<HTTPReply, TransportError>) in
                switch result {
                case .success(let reply):
                    ConnectorCall.Ending(ConnectorCall.Outcome(httpStatus: reply.status), message: reply.isSuccess ? nil : reply.statusLine)
                case .failure(.timedOut(let limit)): ConnectorCall.Ending(.timeout, message: TransportError.timedOut(limit).reason)
                case .failure(let error): ConnectorCall.Ending(.error, message: error.reason)
                }
            }
        ) { (span) async throws(TransportError) -> HTTPReply in
            span.attributes["http.request.method"] = request.method
            // `origin` is scheme://host:port, without any user or password.
            if let origin = URLText.origin(request.url), let authority = origin.split(separator: "/").last,
                let colon = authority.lastIndex(of: ":")
            {
                span.attributes["server.address"] = String(authority[..<colon])
                span.attributes["server.port"] = Int(authority[authority.index(after: colon)...])
            }
            var traced = request
            TraceContext.inject(span.context, into: &traced.headers)
            let reply = try await exchange(traced, timeout: timeout)
            span.attributes["http.response.status_code"] = reply.status
            return reply
        }
    }

    private func exchange(_ request: OutgoingRequest, timeout: Duration) async throws(TransportError) -> HTTPReply {
        guard URLText.origin(request.url) != nil else {
            throw .invalid("'\(request.url)' is not an http:// or https:// URL (check the instance address)")
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let client = client
        let prepared = outgoing
        let limit = maximumResponseBytes
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        do {
            return try await withThrowingTaskGroup(of: HTTPReply?.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, deadline: deadline)
                    let body = try await response.body.collect(upTo: limit)
                    var headers: [(name: String, value: String)] = []
                    for header in response.headers { headers.append((header.name, header.value)) }
                    return HTTPReply(
                        status: Int(response.status.code), reason: response.status.reasonPhrase,
                        headers: headers, body: Array(buffer: body))
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let reply = first else { throw TransportError.timedOut(timeout) }
                return reply
            }
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError.classify(error, timeout: timeout)
        }
    }
}

extension TransportError {
    /// Turns what AsyncHTTPClient and NIO throw into a reason a person can act on.
    static func classify(_ error: any Error, timeout: Duration) -> TransportError {
        if error is CancellationError { return .cancelled }
        if error is NIOTooManyBytesError { return .tooLarge(limit: 0) }
        if let error = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .writeTimeout].contains(error) { return .timedOut(timeout) }
            if error == .connectTimeout { return .connection("could not connect (connection timed out)") }
            if error == .cancelled { return .cancelled }
            if error == .remoteConnectionClosed { return .connection("the server closed the connection before answering") }
            if [.invalidURL, .emptyHost, .emptyScheme, .missingSocketPath].contains(error) {
                return .invalid("the URL is not valid: \(error)")
            }
        }
        let text = String(describing: error)
        let lowered = text.lowercased()
        if lowered.contains("refused") { return .connection("could not connect (connection refused): is the address right and the system up?") }
        if lowered.contains("resolve") || lowered.contains("dns") || lowered.contains("unknown host") {
            return .connection("could not connect (the host name did not resolve): \(text)")
        }
        if lowered.contains("reset") { return .connection("the connection was reset: \(text)") }
        if lowered.contains("timeout") || lowered.contains("timed out") { return .timedOut(timeout) }
        return .connection("could not complete the request: \(text)")
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
