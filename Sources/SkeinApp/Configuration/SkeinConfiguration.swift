public import Foundation
public import Logging
public import SkeinCore
public import SkeinEngine
public import SkeinShapes

/// Every setting of a Skein process, read once at the root (the `skein` executable, or a test)
/// from flags, environment variables, the configuration file and defaults — the first that says
/// wins — and validated as a whole: every bad value is a problem naming the setting and where it
/// came from (`SKEIN_LEASE=abc (environment): must be a whole number of seconds`), all reported
/// together, never replaced by a default. ``SkeinEnvironment`` and the compositions take the
/// parts they need from here; nothing below reads the environment for a setting.
///
/// `entries` is what `skein config show` prints: each value with its source, secrets masked.
/// docs/configuration.md is the user's table of these settings.
public struct SkeinConfiguration: Sendable {
    public var dataDirectory: URL
    /// `postgres://…`, a SQLite path or `sqlite://path`; nil is SQLite in the data directory.
    public var database: String?
    public var role: ServeRole
    public var host: String
    public var port: Int
    public var concurrency: Int
    /// Seconds a worker's claim on a run lasts without renewal.
    public var lease: Int
    /// How long run logs, payloads and unused delivery references are kept; nil keeps them forever.
    public var keepRuns: Duration?
    public var keepPayloads: Duration?
    public var keepDeliveries: Duration?
    public var maximumWebhookBytes: Int
    public var cookieSecurity: CookieSecurity
    public var trustForwardedFor: Bool
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    /// The Prometheus listener, when `metrics_port` is set.
    public var metrics: Metrics?
    /// Failure alerts: window, sender, default smtp instance, base URL for links.
    public var alerts: AlertService.Settings
    public var scriptSandbox: ScriptSandbox
    /// `SKEIN_CREDENTIAL_KEY` and `SKEIN_PREVIOUS_CREDENTIAL_KEY` (32 bytes each); nil: the key files in the data directory.
    public var credentialKey: [UInt8]?
    public var previousCredentialKey: [UInt8]?
    public var syncBackoff: SyncBackoff
    public var syncConfirmationInterval: Duration
    /// The user's connector definitions; nil is `DATA_DIR/connectors`.
    public var connectorsDirectory: String?
    /// The user's blueprints; nil is `DATA_DIR/blueprints`.
    public var blueprintsDirectory: String?
    public var runLogBatch: Int
    public var webhookBatch: Int
    /// The tracing UI's link for a trace, `{trace_id}` replaced (`SKEIN_TRACE_URL`).
    public var traceURL: String?
    /// Every setting's value as it may be shown, with its source; the configuration file first when there is one.
    public internal(set) var entries: [ConfigurationEntry]

    public struct Metrics: Sendable, Equatable {
        public var host: String
        /// 0 picks a free port.
        public var port: Int
        /// The bearer token scrapes must send (a secret).
        public var token: String?
    }

    /// Reads the configuration file (the `--config` flag's `configPath`, else `SKEIN_CONFIG`)
    /// and resolves every setting. `flags` are the command line's values by setting key
    /// (`["lease": "30"]`).
    public static func load(
        flags: [String: String], configPath: String?,
        environment: [String: String]
    ) throws(ConfigurationError) -> SkeinConfiguration {
        var configSource: ConfigurationSource?
        var path = configPath
        if path != nil { configSource = .flag("--config") }
        if path == nil, let variable = environment["SKEIN_CONFIG"], !variable.isEmpty { path = variable; configSource = .environment("SKEIN_CONFIG") }
        var configuration = try resolve(flags: flags, environment: environment, file: try ConfigurationFile.read(path))
        if let path, let configSource {
            configuration.entries.insert(ConfigurationEntry(key: "config", value: path, source: configSource, secret: false), at: 0)
        }
        return configuration
    }

    /// Resolves every setting from `flags`, `environment` and an already read `file`.
    public static func resolve(
        flags: [String: String] = [:], environment: [String: String],
        file: ConfigurationFile = .none
    ) throws(ConfigurationError) -> SkeinConfiguration {
        var reader = ConfigurationReader(flags: flags, environment: environment, file: file)
        let configuration = SkeinConfiguration(reading: &reader)
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}
