import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinTelemetry
import SkeinWeb

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Skein: the HTTP server (webhooks, health), the scheduler and the workers that execute queued runs.",
        discussion: """
            Runs interrupted by a crash are resumed once their lease expires (--lease seconds).
            Run logs older than --keep-runs and payloads older than --keep-payloads are deleted in
            small batches while serving (durations like 7d, 36h; 'forever' keeps them).
            Webhooks: POST http://HOST:PORT/webhooks/FLOW/TOKEN (see docs/webhooks.md). GET /health answers 200 while the store is reachable.
            Pending sync entries are retried with backoff (SKEIN_SYNC_BACKOFF, 1m by default, doubling) up to each flow's sync_retries.
            Sent sync entries are checked for acknowledgement files every SKEIN_SYNC_CONFIRM_INTERVAL (30s by default).
            Everything but /health, /webhooks and /login needs signing in (GET /login) or an API token (see docs/api.md).
            On first start with no users, serve creates the user 'admin' and prints its one-time password once;
            change it with `skein user password admin`.
            --role splits the work between processes sharing one PostgreSQL database (--database postgres://…).
            Every option can also be set by an environment variable (SKEIN_…) or in a --config file: see docs/configuration.md.
            Prometheus metrics: --metrics-port serves GET /metrics on a port of its own; OpenTelemetry traces are exported over
            OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER=otlp) is set: see docs/operations.md.
            """)

    @OptionGroup var options: DataOptions
    @Option(help: "api (HTTP: webhooks, health), worker (executes runs, retries sync entries), scheduler (schedules, retention) or all (default; env SKEIN_ROLE).")
    var role: String?
    @Option(help: "How many runs to execute at once (default 4; env SKEIN_CONCURRENCY).") var concurrency: Int?
    @Option(help: "Seconds a worker's claim on a run lasts without renewal (default 15; env SKEIN_LEASE).") var lease: Int?
    @Option(name: .customLong("keep-runs"), help: "How long run logs are kept (default 7d; env SKEIN_KEEP_RUNS).") var keepRunsOption: String?
    @Option(name: .customLong("keep-payloads"), help: "How long payloads are kept (default 3d; env SKEIN_KEEP_PAYLOADS).") var keepPayloadsOption: String?
    @Option(name: .customLong("keep-deliveries"),
            help: "How long the delivery ledger remembers a reference nothing touched (default 30d; env SKEIN_KEEP_DELIVERIES).")
    var keepDeliveriesOption: String?
    @Option(help: "The address the HTTP server listens on (0.0.0.0 for every interface; default 127.0.0.1; env SKEIN_HOST).") var host: String?
    @Option(help: "The HTTP server's port (default 8080; env SKEIN_PORT).") var port: Int?
    @Option(name: .customLong("max-webhook-bytes"), help: "The largest webhook body accepted when the flow sets no max_body_bytes (env SKEIN_MAX_WEBHOOK_BYTES).")
    var maxWebhookBytes: Int?
    @Option(name: .customLong("cookie-secure"), help: "Mark session cookies Secure: auto (when the request came over https, per X-Forwarded-Proto), always or never (default auto; env SKEIN_COOKIE_SECURE).")
    var cookieSecure: String?
    @Option(name: .customLong("trust-forwarded-for"), help: "Throttle sign-ins by the client address in X-Forwarded-For (its last entry) instead of the connection's: only behind a proxy that sets it (true or false, default false; env SKEIN_TRUST_FORWARDED_FOR).")
    var trustForwardedFor: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info; env SKEIN_LOG_LEVEL).")
    var logLevel: String?
    @Option(name: .customLong("metrics-port"), help: "Serve Prometheus metrics at GET /metrics on this port (off unless set; 0 picks a free port; env SKEIN_METRICS_PORT).")
    var metricsPort: Int?
    @Option(name: .customLong("metrics-host"), help: "The address the metrics port listens on (default 127.0.0.1; env SKEIN_METRICS_HOST). Scrapes must send SKEIN_METRICS_TOKEN as a bearer token when that is set.")
    var metricsHost: String?

    /// Flags, then environment variables, then the configuration file, then the defaults.
    struct Settings {
        var role: ServeRole
        var concurrency: Int
        var lease: Int
        var keepRuns: String
        var keepPayloads: String
        var keepDeliveries: String = "30d"
        var host: String
        var port: Int
        var maxWebhookBytes: Int
        var logLevel: Logger.Level
        var cookieSecurity: AccessSettings.CookieSecurity
        var trustForwardedFor: Bool
        /// The metrics listener, when `--metrics-port` (or its setting) is given.
        var metrics: MetricsServer.Settings?
    }

    func settings() throws -> Settings {
        let file = try options.configFile()
        func text(_ key: String, _ flag: String?, _ fallback: String) -> String { file.value(key, flag: flag) ?? fallback }
        func number(_ key: String, _ flag: Int?, _ fallback: Int) throws -> Int {
            guard let value = file.value(key, flag: flag.map(String.init)) else { return fallback }
            guard let number = Int(value) else {
                throw CLIError("--\(key.replacingOccurrences(of: "_", with: "-")) must be a whole number, found '\(value)'")
            }
            return number
        }
        let roleText = text("role", role, "all")
        guard let role = ServeRole(rawValue: roleText) else {
            throw CLIError("role '\(roleText)' is not one of \(ServeRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let levelText = text("log_level", logLevel, "info")
        guard let level = Logger.Level(rawValue: levelText) else { throw CLIError("log level '\(levelText)' is not trace, debug, info, notice, warning, error or critical") }
        let cookieText = text("cookie_secure", cookieSecure, "auto")
        guard let cookieSecurity = AccessSettings.CookieSecurity(rawValue: cookieText) else {
            throw CLIError("--cookie-secure must be auto, always or never, not '\(cookieText)'")
        }
        var metrics: MetricsServer.Settings?
        if file.value("metrics_port", flag: metricsPort.map(String.init)) != nil {
            let token = file.value("metrics_token", flag: nil).flatMap { $0.isEmpty ? nil : $0 }
            metrics = MetricsServer.Settings(host: text("metrics_host", metricsHost, "127.0.0.1"), port: try number("metrics_port", metricsPort, 0),
                                             token: token)
            guard (0...65535).contains(metrics!.port) else { throw CLIError("--metrics-port \(metrics!.port): use 0 to 65535") }
        }
        let forwardedText = text("trust_forwarded_for", trustForwardedFor, "false").lowercased()
        guard ["true", "false"].contains(forwardedText) else {
            throw CLIError("--trust-forwarded-for must be true or false, not '\(forwardedText)'")
        }
        var settings = Settings(role: role, concurrency: try number("concurrency", concurrency, 4), lease: try number("lease", lease, 15),
                                keepRuns: text("keep_runs", keepRunsOption, "7d"), keepPayloads: text("keep_payloads", keepPayloadsOption, "3d"),
                                host: text("host", host, "127.0.0.1"), port: try number("port", port, 8080),
                                maxWebhookBytes: try number("max_webhook_bytes", maxWebhookBytes, SkeinEnvironment.defaultMaximumWebhookBytes),
                                logLevel: level, cookieSecurity: cookieSecurity, trustForwardedFor: forwardedText == "true", metrics: metrics)
        settings.keepDeliveries = text("keep_deliveries", keepDeliveriesOption, "30d")
        for (flag, value) in [("--keep-runs", settings.keepRuns), ("--keep-payloads", settings.keepPayloads),
                              ("--keep-deliveries", settings.keepDeliveries)] where value != "forever" {
            guard let duration = DurationText.parse(value), duration > .zero else {
                throw CLIError("\(flag) '\(value)' is not a duration; use e.g. 7d, 36h or forever")
            }
        }
        guard (0...65535).contains(settings.port) else { throw CLIError("--port \(settings.port): use 0 to 65535") }
        guard settings.maxWebhookBytes > 0 else { throw CLIError("--max-webhook-bytes must be positive") }
        guard settings.concurrency > 0 else { throw CLIError("--concurrency must be at least 1") }
        guard settings.lease > 0 else { throw CLIError("--lease must be at least 1 second") }
        return settings
    }

    /// nil (keep forever) for `forever`.
    static func retention(_ text: String) -> Duration? { text == "forever" ? nil : DurationText.parse(text) }

    func run() async throws {
        let settings = try settings()
        // Metrics and traces are bootstrapped once, first, before anything records one.
        let metricsRegistry = settings.metrics.map { _ in MetricsExport.bootstrap() }
        var telemetryLogger = Logger(label: "skein.otel")
        telemetryLogger.logLevel = settings.logLevel
        let tracing: (any Service)?
        do {
            tracing = try TracingExport.bootstrap(environment: ProcessInfo.processInfo.environment, logger: telemetryLogger)
        } catch {
            throw CLIError("\(error)")
        }
        let environment = try options.environment(logLevel: settings.logLevel)
        let logger = environment.logger
        do {
            try await environment.prepareStore()
        } catch {
            throw CLIError("\(error)")
        }
        let owner = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let role = settings.role
        if role.executesRuns, let warning = await environment.scriptSandboxWarning() { logger.warning("\(warning)") }
        // The span exporter comes first: a group stops its services in reverse order, so it
        // flushes the spans of everything else as the last to stop.
        var services: [any Service] = tracing.map { [$0] } ?? []
        if let metrics = settings.metrics, let metricsRegistry {
            if !["127.0.0.1", "localhost", "::1"].contains(metrics.host) && metrics.token == nil {
                logger.warning("metrics listen on \(metrics.host) without a token: anyone who reaches the port reads them (set SKEIN_METRICS_TOKEN)")
            }
            services.append(MetricsServer(settings: metrics, registry: metricsRegistry, store: environment.store, logger: logger) { bound in
                logger.notice("metrics on http://\(metrics.host):\(bound)/metrics")
            })
        }
        if role.executesRuns {
            services.append(RunWorker(configuration: .init(owner: owner, concurrency: settings.concurrency, leaseDuration: .seconds(settings.lease)),
                                      executor: environment.executor(), logger: logger))
            services.append(SyncRetryService(resender: environment.syncResender(), logger: logger))
            services.append(try environment.syncConfirmationService())
        }
        if role.schedules {
            services.append(Scheduler(store: environment.store, logger: logger))
            services.append(RetentionService(store: environment.store, policy: .init(keepRuns: Serve.retention(settings.keepRuns),
                                                                                      keepPayloads: Serve.retention(settings.keepPayloads),
                                                                                      keepDeliveries: Serve.retention(settings.keepDeliveries)),
                                             logger: logger))
        }
        let host = settings.host
        let port = settings.port
        if role.servesHTTP {
            if let password = try await environment.access.createFirstAdminIfNeeded() {
                // Printed (not logged) once: the only time this password exists in clear.
                print("""
                    ==================================================================
                    No users yet: created user 'admin' with the one-time password
                        \(password)
                    Sign in at /login, then change it: skein user password admin
                    ==================================================================
                    """)
                fflush(nil)
            }
            let access = AccessSettings(cookieSecurity: settings.cookieSecurity, trustForwardedFor: settings.trustForwardedFor)
            services.append(environment.webServer(host: host, port: port, maximumWebhookBytes: settings.maxWebhookBytes, access: access) { bound in
                logger.notice("listening on http://\(host):\(bound)")
            })
        }
        logger.notice("skein serve started", metadata: ["role": "\(role.rawValue)", "store": "\(environment.storeDescription)",
                                                        "data": "\(environment.dataDirectory.path)", "worker": "\(owner)",
                                                        "tracing": "\(tracing == nil ? "off" : "otlp")"])
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error where "\(error)".contains("bind(") {
            let reason = "\(error)".contains("in use") ? "the address is already in use (another skein serve?); choose another --port" : "\(error)"
            throw CLIError("cannot listen on \(host):\(port): \(reason)")
        }
    }
}
