/// The settings Skein reads, each once, in one table: its config-file key, its environment
/// variable, its flag when it has one, and whether it is a secret (never shown or logged in
/// clear). docs/configuration.md is the user's copy of this table.
public struct ConfigurationSetting: Sendable {
    /// The config-file key; environment-only settings are named by their variable.
    public let key: String
    public let variable: String
    /// The command-line flag, for settings that have one (`serve`'s and every command's).
    public let flag: String?
    /// Whether the configuration file may set it (credential keys and a few tuning knobs are environment-only).
    public let inFile: Bool
    public let secret: Bool
    /// For a secret URL (the database), only its password is the secret: the rest is shown.
    let onlyPasswordSecret: Bool

    init(_ key: String, flag: String? = nil, inFile: Bool = true, secret: Bool = false, onlyPasswordSecret: Bool = false) {
        self.key = key
        self.variable = "SKEIN_" + key.uppercased()
        self.flag = flag
        self.inFile = inFile
        self.secret = secret
        self.onlyPasswordSecret = onlyPasswordSecret
    }

    init(environmentOnly variable: String, secret: Bool = false) {
        self.key = variable
        self.variable = variable
        self.flag = nil
        self.inFile = false
        self.secret = secret
        self.onlyPasswordSecret = false
    }

    public static let all: [ConfigurationSetting] = [
        .init("data_dir", flag: "--data-dir"),
        .init("database", flag: "--database", secret: true, onlyPasswordSecret: true),
        .init("role", flag: "--role"),
        .init("host", flag: "--host"),
        .init("port", flag: "--port"),
        .init("concurrency", flag: "--concurrency"),
        .init("lease", flag: "--lease"),
        .init("keep_runs", flag: "--keep-runs"),
        .init("keep_payloads", flag: "--keep-payloads"),
        .init("keep_deliveries", flag: "--keep-deliveries"),
        .init("max_webhook_bytes", flag: "--max-webhook-bytes"),
        .init("cookie_secure", flag: "--cookie-secure"),
        .init("trust_forwarded_for", flag: "--trust-forwarded-for"),
        .init("log_level", flag: "--log-level"),
        .init("log_format", flag: "--log-format"),
        .init("metrics_port", flag: "--metrics-port"),
        .init("metrics_host", flag: "--metrics-host"),
        .init("metrics_token", secret: true),
        .init("base_url"),
        .init("alert_window"),
        .init("alert_from"),
        .init("alert_smtp_instance"),
        .init("script_sandbox"),
        .init(environmentOnly: "SKEIN_CREDENTIAL_KEY", secret: true),
        .init(environmentOnly: "SKEIN_PREVIOUS_CREDENTIAL_KEY", secret: true),
        .init(environmentOnly: "SKEIN_SYNC_BACKOFF"),
        .init(environmentOnly: "SKEIN_SYNC_RETRY_AFTER_MAX"),
        .init(environmentOnly: "SKEIN_SYNC_CONFIRM_INTERVAL"),
        .init(environmentOnly: "SKEIN_CONNECTORS_DIR"),
        .init(environmentOnly: "SKEIN_BLUEPRINTS_DIR"),
        .init(environmentOnly: "SKEIN_RUN_LOG_BATCH"),
        .init(environmentOnly: "SKEIN_WEBHOOK_BATCH"),
        .init(environmentOnly: "SKEIN_TRACE_URL"),
    ]

    /// The keys a configuration file may hold.
    public static var fileKeys: [String] { all.filter(\.inFile).map(\.key) }

    static func named(_ key: String) -> ConfigurationSetting {
        guard let setting = all.first(where: { $0.key == key }) else { preconditionFailure("no setting \(key) in ConfigurationSetting.all") }
        return setting
    }
}
