import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinTelemetry

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Skein: the HTTP server (webhooks, health), the scheduler and the workers that execute queued runs.",
        discussion: """
            Runs interrupted by a crash are resumed once their lease expires (--lease seconds).
            Run logs older than --keep-runs and payloads older than --keep-payloads are deleted in
            small batches while serving (durations like 7d, 36h; 'forever' keeps them).
            Webhooks: POST http://HOST:PORT/webhooks/FLOW/TOKEN (see docs/webhooks.md). GET /health answers 200 while the store is reachable; GET /health/ready also needs every migration applied (docs/operations.md).
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
    @OptionGroup var serveOptions: ServeOptions

    func run() async throws {
        let configuration = try options.configuration(extraFlags: serveOptions.flags)
        // The log format first, so the telemetry's own logger writes it too; then metrics and
        // traces, once, before anything records one.
        configuration.logFormat.bootstrap()
        let metricsRegistry = configuration.metrics.map { _ in MetricsExport.bootstrap() }
        var telemetryLogger = Logger(label: "skein.otel")
        telemetryLogger.logLevel = configuration.logLevel
        let tracing: (any Service)?
        do {
            // OpenTelemetry's own OTEL_* variables, read by swift-otel as the standard says.
            tracing = try TracingExport.bootstrap(environment: ProcessInfo.processInfo.environment, logger: telemetryLogger)
        } catch {
            throw CLIError("\(error)")
        }
        let environment = try options.environment(configuration: configuration, logLevel: configuration.logLevel)
        let logger = environment.logger
        do {
            try await environment.prepareStore()
        } catch {
            throw CLIError("\(error)")
        }
        let role = configuration.role
        // The same identity after a restart (so the worker takes back its interrupted runs at
        // once), never two live processes with one: see WorkerSlot.
        let owner: String
        do {
            owner =
                role.executesRuns
                ? try WorkerSlot.acquire(dataDirectory: environment.dataDirectory, host: ProcessInfo.processInfo.hostName).owner
                : "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        } catch {
            throw CLIError("\(error)")
        }
        if role.executesRuns, let warning = await environment.scriptSandboxWarning() { logger.warning("\(warning)") }
        // The span exporter comes first: a group stops its services in reverse order, so it
        // flushes the spans of everything else as the last to stop.
        var services: [any Service] = tracing.map { [$0] } ?? []
        if let metrics = configuration.metrics.map({ MetricsServer.Settings(host: $0.host, port: $0.port, token: $0.token) }), let metricsRegistry {
            if !["127.0.0.1", "localhost", "::1"].contains(metrics.host) && metrics.token == nil {
                logger.warning("metrics listen on \(metrics.host) without a token: anyone who reaches the port reads them (set SKEIN_METRICS_TOKEN)")
            }
            services.append(
                MetricsServer(settings: metrics, registry: metricsRegistry, store: environment.store, logger: logger) { bound in
                    logger.notice("metrics on http://\(metrics.host):\(bound)/metrics")
                })
        }
        if role.executesRuns {
            services.append(
                RunWorker(
                    configuration: .init(
                        owner: owner, concurrency: configuration.concurrency,
                        leaseDuration: .seconds(configuration.lease)),
                    executor: environment.executor(), logger: logger))
            services.append(SyncRetryService(resender: environment.syncResender(), logger: logger))
            services.append(environment.syncConfirmationService())
        }
        if role.schedules {
            services.append(Scheduler(store: environment.store, logger: logger))
            services.append(
                RetentionService(
                    store: environment.store,
                    policy: .init(
                        keepRuns: configuration.keepRuns,
                        keepPayloads: configuration.keepPayloads,
                        keepDeliveries: configuration.keepDeliveries),
                    logger: logger))
            services.append(environment.alertService(settings: configuration.alerts))
        }
        let host = configuration.host
        let port = configuration.port
        if role.servesHTTP {
            if let password = try await environment.access.createFirstAdminIfNeeded() {
                // Printed (not logged) once: the only time this password exists in clear.
                print(
                    """
                    ==================================================================
                    No users yet: created user 'admin' with the one-time password
                        \(password)
                    Sign in at /login, then change it: skein user password admin
                    ==================================================================
                    """)
                fflush(nil)
            }
            services.append(
                environment.webServer { bound in
                    logger.notice("listening on http://\(host):\(bound)")
                })
        }
        logger.notice(
            "skein serve started",
            metadata: [
                "role": "\(role.rawValue)", "store": "\(environment.storeDescription)",
                "data": "\(environment.dataDirectory.path)", "worker": "\(owner)",
                "tracing": "\(tracing == nil ? "off" : "otlp")",
            ])
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error where "\(error)".contains("bind(") {
            let reason = "\(error)".contains("in use") ? "the address is already in use (another skein serve?); choose another --port" : "\(error)"
            throw CLIError("cannot listen on \(host):\(port): \(reason)")
        }
    }
}
