import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SkeinApp
import SkeinCore
import SkeinEngine
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
            """)

    @OptionGroup var options: DataOptions
    @Option(help: "How many runs to execute at once.") var concurrency: Int = 4
    @Option(help: "Seconds a worker's claim on a run lasts without renewal.") var lease: Int = 15
    @Option(name: .customLong("keep-runs"), help: "How long run logs are kept (default 7d).") var keepRuns: String = "7d"
    @Option(name: .customLong("keep-payloads"), help: "How long payloads are kept (default 3d).") var keepPayloads: String = "3d"
    @Option(help: "The address the HTTP server listens on (0.0.0.0 for every interface).") var host = "127.0.0.1"
    @Option(help: "The HTTP server's port.") var port = 8080
    @Option(name: .customLong("max-webhook-bytes"), help: "The largest webhook body accepted when the flow sets no max_body_bytes.")
    var maxWebhookBytes = SkeinEnvironment.defaultMaximumWebhookBytes
    @Option(name: .customLong("cookie-secure"), help: "Mark session cookies Secure: auto (when the request came over https, per X-Forwarded-Proto), always or never.")
    var cookieSecure: String = "auto"
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String = "info"

    var keepRunsDuration: Duration? { Serve.retention(keepRuns) }
    var keepPayloadsDuration: Duration? { Serve.retention(keepPayloads) }

    func validate() throws {
        if AccessSettings.CookieSecurity(rawValue: cookieSecure) == nil {
            throw ValidationError("--cookie-secure must be auto, always or never, not '\(cookieSecure)'")
        }
        for (flag, text) in [("--keep-runs", keepRuns), ("--keep-payloads", keepPayloads)] where text != "forever" {
            guard let duration = DurationText.parse(text), duration > .zero else {
                throw ValidationError("\(flag) '\(text)' is not a duration; use e.g. 7d, 36h or forever")
            }
        }
    }

    /// nil (keep forever) for `forever`.
    static func retention(_ text: String) -> Duration? { text == "forever" ? nil : DurationText.parse(text) }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let environment = try options.environment(logLevel: level)
        let logger = environment.logger
        let owner = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let worker = RunWorker(configuration: .init(owner: owner, concurrency: concurrency, leaseDuration: .seconds(lease)),
                               executor: environment.executor(), logger: logger)
        let scheduler = Scheduler(store: environment.store, logger: logger)
        guard (0...65535).contains(port) else { throw CLIError("--port \(port): use 0 to 65535") }
        guard maxWebhookBytes > 0 else { throw CLIError("--max-webhook-bytes must be positive") }
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
        let host = host
        let access = AccessSettings(cookieSecurity: AccessSettings.CookieSecurity(rawValue: cookieSecure) ?? .auto)
        let web = environment.webServer(host: host, port: port, maximumWebhookBytes: maxWebhookBytes, access: access) { bound in
            logger.notice("listening on http://\(host):\(bound)")
        }
        logger.notice("skein serve started", metadata: ["data": "\(environment.dataDirectory.path)", "worker": "\(owner)"])
        let retention = RetentionService(store: environment.store, policy: .init(keepRuns: keepRunsDuration, keepPayloads: keepPayloadsDuration),
                                         logger: logger)
        let syncRetries = SyncRetryService(resender: environment.syncResender(), logger: logger)
        let syncConfirmations = try environment.syncConfirmationService()
        let group = ServiceGroup(configuration: .init(services: [worker, scheduler, web, retention, syncRetries, syncConfirmations], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error where "\(error)".contains("bind(") {
            let reason = "\(error)".contains("in use") ? "the address is already in use (another skein serve?); choose another --port" : "\(error)"
            throw CLIError("cannot listen on \(host):\(port): \(reason)")
        }
    }
}
