public import Tracing

/// One call to an external system — an HTTP request, an SFTP operation, a database statement —
/// measured the same way for every connector: a client span (a child of the step's span, so a
/// trace shows which step made which calls), and `skein_connector_calls_total` and
/// `skein_connector_call_duration_seconds` by connector, instance and outcome.
public enum ConnectorCall {
    /// How a call ended. Five values, so dashboards can say "errors" the same way for every connector.
    public enum Outcome: String, Sendable {
        /// The system answered (HTTP 1xx–3xx) or the operation succeeded.
        case success
        /// HTTP 4xx.
        case clientError = "client_error"
        /// HTTP 5xx.
        case serverError = "server_error"
        /// No answer in time.
        case timeout
        /// Anything else: refused or broken connections, protocol and database errors, cancellation.
        case error

        /// The outcome of an HTTP answer with `status`.
        public init(httpStatus status: Int) {
            switch status {
            case 500...: self = .serverError
            case 400..<500: self = .clientError
            default: self = .success
            }
        }
    }

    /// What the caller says about a finished call: its outcome and, for a failure, a message fit
    /// for a trace (no secrets: the same text the run log shows).
    public struct Ending: Sendable {
        public var outcome: Outcome
        public var message: String?

        public init(_ outcome: Outcome, message: String? = nil) {
            self.outcome = outcome
            self.message = message
        }
    }

    /// Runs `body` as one call named `operation` (`"HTTP POST"`, `"sftp write"`, `"db query"`) to
    /// `instance` of `connector`. `body` gets the span to add attributes to (and, for HTTP, to
    /// inject into the request's headers); `end` judges the result.
    public static func measure<T, Failure: Error>(
        _ operation: String, connector: String, instance: String,
        end: (Result<T, Failure>) -> Ending,
        _ body: (any Span) async throws(Failure) -> T
    ) async throws(Failure) -> T {
        let span = startSpan(operation, ofKind: .client)
        span.attributes["skein.connector"] = connector
        span.attributes["skein.instance"] = instance
        let clock = ContinuousClock()
        let started = clock.now
        let result = await ServiceContext.withValue(span.context) { () async -> Result<T, Failure> in
            do throws(Failure) { return .success(try await body(span)) } catch { return .failure(error) }
        }
        let elapsed = clock.now - started
        let ending = end(result)
        if ending.outcome != .success {
            span.attributes["error.type"] = ending.outcome.rawValue
            span.setStatus(SpanStatus(code: .error, message: ending.message))
        }
        span.end()
        SkeinMetric.connectorCalls.increment(connector, instance, ending.outcome.rawValue)
        SkeinMetric.connectorCallDuration.record(elapsed, connector, instance, ending.outcome.rawValue)
        return try result.get()
    }
}
