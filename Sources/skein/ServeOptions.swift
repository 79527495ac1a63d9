import ArgumentParser

/// `skein serve`'s settings as flags. `skein config show` takes them too, so it shows what a
/// `skein serve` with the same flags would run with. Each is read into the configuration by its
/// setting key (`flags`); parsing and checking them is ``SkeinConfiguration``'s, so a bad flag
/// is reported with every other bad setting.
struct ServeOptions: ParsableArguments {
    @Option(
        help: "api (HTTP: webhooks, health), worker (executes runs, retries sync entries), scheduler (schedules, retention) or all (default; env SKEIN_ROLE).")
    var role: String?
    @Option(help: "How many runs to execute at once (default 4; env SKEIN_CONCURRENCY).") var concurrency: String?
    @Option(help: "Seconds a worker's claim on a run lasts without renewal (default 15; env SKEIN_LEASE).") var lease: String?
    @Option(name: .customLong("keep-runs"), help: "How long run logs are kept (default 7d; env SKEIN_KEEP_RUNS).") var keepRuns: String?
    @Option(name: .customLong("keep-payloads"), help: "How long payloads are kept (default 3d; env SKEIN_KEEP_PAYLOADS).") var keepPayloads: String?
    @Option(
        name: .customLong("keep-deliveries"),
        help: "How long the delivery ledger remembers a reference nothing touched (default 30d; env SKEIN_KEEP_DELIVERIES).")
    var keepDeliveries: String?
    @Option(help: "The address the HTTP server listens on (0.0.0.0 for every interface; default 127.0.0.1; env SKEIN_HOST).") var host: String?
    @Option(help: "The HTTP server's port (default 8080; env SKEIN_PORT).") var port: String?
    @Option(
        name: .customLong("max-webhook-bytes"), help: "The largest webhook body accepted when the flow sets no max_body_bytes (env SKEIN_MAX_WEBHOOK_BYTES).")
    var maxWebhookBytes: String?
    @Option(
        name: .customLong("cookie-secure"),
        help:
            "Mark session cookies Secure: auto (when the request came over https, per X-Forwarded-Proto), always or never (default auto; env SKEIN_COOKIE_SECURE)."
    )
    var cookieSecure: String?
    @Option(
        name: .customLong("trust-forwarded-for"),
        help:
            "Throttle sign-ins by the client address in X-Forwarded-For (its last entry) instead of the connection's: only behind a proxy that sets it (true or false, default false; env SKEIN_TRUST_FORWARDED_FOR)."
    )
    var trustForwardedFor: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info; env SKEIN_LOG_LEVEL).")
    var logLevel: String?
    @Option(name: .customLong("log-format"), help: "text, or json: one JSON object per line (default text; env SKEIN_LOG_FORMAT).")
    var logFormat: String?
    @Option(
        name: .customLong("metrics-port"),
        help: "Serve Prometheus metrics at GET /metrics on this port (off unless set; 0 picks a free port; env SKEIN_METRICS_PORT).")
    var metricsPort: String?
    @Option(
        name: .customLong("metrics-host"),
        help:
            "The address the metrics port listens on (default 127.0.0.1; env SKEIN_METRICS_HOST). Scrapes must send SKEIN_METRICS_TOKEN as a bearer token when that is set."
    )
    var metricsHost: String?

    /// The flags given, by setting key.
    var flags: [String: String] {
        let given: [String: String?] = [
            "role": role, "concurrency": concurrency, "lease": lease, "keep_runs": keepRuns, "keep_payloads": keepPayloads,
            "keep_deliveries": keepDeliveries, "host": host, "port": port, "max_webhook_bytes": maxWebhookBytes,
            "cookie_secure": cookieSecure, "trust_forwarded_for": trustForwardedFor, "log_level": logLevel, "log_format": logFormat,
            "metrics_port": metricsPort, "metrics_host": metricsHost,
        ]
        return given.compactMapValues { $0 }
    }
}
