import Foundation
import Logging
import SkeinCore
import SkeinEngine
import SkeinShapes

extension SkeinConfiguration {
    /// Reads every setting in the order of ``ConfigurationSetting/all`` (the order `skein config
    /// show` lists them); problems accumulate in `reader`.
    init(reading reader: inout ConfigurationReader) {
        let whole = "must be a whole number"
        let dataDirectory = reader.read("data_dir", default: "skein-data", shown: "skein-data", expected: "must not be empty", Self.nonEmpty)
        self.dataDirectory = URL(fileURLWithPath: dataDirectory)
        database = reader.optional("database", shown: "SQLite in \(dataDirectory)/skein.sqlite", expected: "") { $0 }
        role = reader.read(
            "role", default: .all, shown: "all",
            expected: "must be one of \(ServeRole.allCases.map(\.rawValue).joined(separator: ", "))"
        ) { ServeRole(rawValue: $0) }
        host = reader.read("host", default: "127.0.0.1", shown: "127.0.0.1", expected: "must not be empty", Self.nonEmpty)
        port = reader.read("port", default: 8080, shown: "8080", expected: "must be a port number from 0 to 65535") { Self.number($0, 0...65535) }
        concurrency = reader.read("concurrency", default: 4, shown: "4", expected: "\(whole) of runs from 1") { Self.number($0, 1...) }
        lease = reader.read("lease", default: 15, shown: "15", expected: "\(whole) of seconds from 1") { Self.number($0, 1...) }
        let retention = "must be a duration such as 7d or 36h, or forever"
        keepRuns = reader.read("keep_runs", default: .seconds(7 * 86400), shown: "7d", expected: retention, Self.retention)
        keepPayloads = reader.read("keep_payloads", default: .seconds(3 * 86400), shown: "3d", expected: retention, Self.retention)
        keepDeliveries = reader.read("keep_deliveries", default: .seconds(30 * 86400), shown: "30d", expected: retention, Self.retention)
        maximumWebhookBytes = reader.read(
            "max_webhook_bytes", default: SkeinEnvironment.defaultMaximumWebhookBytes,
            shown: "\(SkeinEnvironment.defaultMaximumWebhookBytes)", expected: "\(whole) of bytes from 1"
        ) {
            Self.number($0, 1...)
        }
        cookieSecurity = reader.read("cookie_secure", default: .auto, shown: "auto", expected: "must be auto, always or never") {
            CookieSecurity(rawValue: $0)
        }
        trustForwardedFor = reader.read("trust_forwarded_for", default: false, shown: "false", expected: "must be true or false", Self.boolean)
        logLevel = reader.read(
            "log_level", default: .info, shown: "info",
            expected: "must be trace, debug, info, notice, warning, error or critical"
        ) { Logger.Level(rawValue: $0) }
        logFormat = reader.read("log_format", default: .text, shown: "text", expected: "must be text or json") { LogFormat(rawValue: $0) }
        let metricsPort = reader.optional("metrics_port", expected: "must be a port number from 0 to 65535") {
            Self.number($0, 0...65535)
        }
        let metricsHost = reader.read("metrics_host", default: "127.0.0.1", shown: "127.0.0.1", expected: "must not be empty", Self.nonEmpty)
        let metricsToken = reader.optional("metrics_token", expected: "") { $0 }
        metrics = metricsPort.map { Metrics(host: metricsHost, port: $0, token: metricsToken) }
        let defaultBaseURL = "http://\(host):\(port)"
        let baseURL = reader.read("base_url", default: defaultBaseURL, shown: defaultBaseURL, expected: "must be an http:// or https:// URL") {
            guard let url = URLComponents(string: $0), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else { return nil }
            return $0
        }
        let window = reader.read(
            "alert_window", default: Duration.seconds(15 * 60), shown: AlertService.Settings.defaultWindow,
            expected: "must be a duration such as 15m or 1h", Self.positiveDuration)
        let from = reader.read("alert_from", default: "skein@localhost", shown: "skein@localhost", expected: "must not be empty", Self.nonEmpty)
        let smtpInstance = reader.optional("alert_smtp_instance", expected: "") { $0 }
        alerts = AlertService.Settings(window: window, from: from, smtpInstance: smtpInstance, baseURL: baseURL)
        scriptSandbox = reader.read(
            "script_sandbox", default: .automatic, shown: "bwrap",
            expected: "must be bwrap (the default), off or the absolute path of bwrap"
        ) { try? ScriptSandbox.parse($0) }
        credentialKey = reader.optional(
            "SKEIN_CREDENTIAL_KEY", shown: "the key file \(dataDirectory)/credentials.key",
            expected: "must be 64 hexadecimal digits (32 bytes)", Self.key)
        previousCredentialKey = reader.optional(
            "SKEIN_PREVIOUS_CREDENTIAL_KEY",
            expected: "must be 64 hexadecimal digits (32 bytes)", Self.key)
        let durationExample = "must be a duration such as 30s or 500ms"
        var backoff = SyncBackoff()
        if let base = reader.optional("SKEIN_SYNC_BACKOFF", shown: "60s", expected: durationExample, Self.positiveDuration) {
            backoff = SyncBackoff(base: base, maximum: backoff.maximum, retryAfterLimit: backoff.retryAfterLimit)
        }
        if let limit = reader.optional("SKEIN_SYNC_RETRY_AFTER_MAX", shown: "1h", expected: durationExample, Self.positiveDuration) {
            backoff.retryAfterLimit = limit
        }
        syncBackoff = backoff
        syncConfirmationInterval = reader.read(
            "SKEIN_SYNC_CONFIRM_INTERVAL", default: .seconds(30), shown: "30s", expected: durationExample,
            Self.positiveDuration)
        connectorsDirectory = reader.optional("SKEIN_CONNECTORS_DIR", shown: "\(dataDirectory)/connectors", expected: "") { $0 }
        blueprintsDirectory = reader.optional("SKEIN_BLUEPRINTS_DIR", shown: "\(dataDirectory)/blueprints", expected: "") { $0 }
        runLogBatch = reader.read("SKEIN_RUN_LOG_BATCH", default: 256, shown: "256", expected: "\(whole) of runs from 1") { Self.number($0, 1...) }
        webhookBatch = reader.read("SKEIN_WEBHOOK_BATCH", default: 256, shown: "256", expected: "\(whole) of runs from 1") { Self.number($0, 1...) }
        traceURL = reader.optional("SKEIN_TRACE_URL", expected: "must be an http:// or https:// URL containing {trace_id}") {
            ($0.hasPrefix("http://") || $0.hasPrefix("https://")) && $0.contains("{trace_id}") ? $0 : nil
        }
        entries = reader.entries
    }

    static func number(_ text: String, _ range: some RangeExpression<Int>) -> Int? {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else { return nil }
        return value
    }

    static func nonEmpty(_ text: String) -> String? { text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : text }

    static func positiveDuration(_ text: String) -> Duration? {
        guard let duration = DurationText.parse(text), duration > .zero else { return nil }
        return duration
    }

    /// `forever` (kept: `.some(nil)`) or a positive duration.
    static func retention(_ text: String) -> Duration?? {
        if text == "forever" { return .some(nil) }
        return positiveDuration(text).map { .some($0) }
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    static func key(_ hex: String) -> [UInt8]? {
        guard let bytes = [UInt8](hex: hex), bytes.count == 32 else { return nil }
        return bytes
    }
}
