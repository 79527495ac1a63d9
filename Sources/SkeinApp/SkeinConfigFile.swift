public import Foundation
import Yams

/// The optional configuration file (`--config FILE` or `SKEIN_CONFIG`): YAML with one setting
/// per line, e.g.
///
/// ```yaml
/// database: postgres://skein:secret@db.internal:5432/skein
/// role: worker
/// concurrency: 8
/// ```
///
/// A setting given as a flag wins over its environment variable, which wins over the file
/// (docs/configuration.md lists them all). Unknown keys are errors, so a typo never goes unnoticed.
public struct SkeinConfigFile: Sendable {
    /// Every key the file may hold, with the environment variable that overrides it.
    public static let settings: [(key: String, variable: String)] = [
        ("data_dir", "SKEIN_DATA_DIR"), ("database", "SKEIN_DATABASE"), ("role", "SKEIN_ROLE"), ("host", "SKEIN_HOST"),
        ("port", "SKEIN_PORT"), ("concurrency", "SKEIN_CONCURRENCY"), ("lease", "SKEIN_LEASE"), ("keep_runs", "SKEIN_KEEP_RUNS"),
        ("keep_payloads", "SKEIN_KEEP_PAYLOADS"), ("log_level", "SKEIN_LOG_LEVEL"), ("log_format", "SKEIN_LOG_FORMAT"),
        ("max_webhook_bytes", "SKEIN_MAX_WEBHOOK_BYTES"), ("cookie_secure", "SKEIN_COOKIE_SECURE"), ("script_sandbox", "SKEIN_SCRIPT_SANDBOX"),
        ("trust_forwarded_for", "SKEIN_TRUST_FORWARDED_FOR"),
        ("metrics_port", "SKEIN_METRICS_PORT"), ("metrics_host", "SKEIN_METRICS_HOST"), ("metrics_token", "SKEIN_METRICS_TOKEN"),
        ("base_url", "SKEIN_BASE_URL"), ("alert_window", "SKEIN_ALERT_WINDOW"), ("alert_from", "SKEIN_ALERT_FROM"),
        ("alert_smtp_instance", "SKEIN_ALERT_SMTP_INSTANCE"),
    ]

    public let path: String?
    public let values: [String: String]

    public init(path: String?, values: [String: String]) {
        self.path = path
        self.values = values
    }

    /// Reads the file at `path`; nil reads nothing (no file configured).
    public static func read(_ path: String?) throws -> SkeinConfigFile {
        guard let path else { return SkeinConfigFile(path: nil, values: [:]) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SkeinSetupError("cannot read the configuration file \(path): \(error.localizedDescription)")
        }
        let document: Any?
        do { document = try Yams.load(yaml: text) } catch {
            throw SkeinSetupError("the configuration file \(path) is not valid YAML: \(error)")
        }
        guard let document else { return SkeinConfigFile(path: path, values: [:]) }
        guard let mapping = document as? [String: Any] else {
            throw SkeinSetupError("the configuration file \(path) must be a mapping of settings (key: value)")
        }
        let known = Set(settings.map(\.key))
        var values: [String: String] = [:]
        for (key, value) in mapping {
            guard known.contains(key) else {
                throw SkeinSetupError("\(path): unknown setting '\(key)'; known: \(settings.map(\.key).joined(separator: ", "))")
            }
            switch value {
            case let text as String: values[key] = text
            case let flag as Bool: values[key] = flag ? "true" : "false"
            case let number as Int: values[key] = String(number)
            default: throw SkeinSetupError("\(path): '\(key)' must be a single value")
            }
        }
        return SkeinConfigFile(path: path, values: values)
    }

    /// The setting from, in order: the flag, the environment variable, the file.
    public func value(_ key: String, flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let flag { return flag }
        if let variable = Self.settings.first(where: { $0.key == key })?.variable, let value = environment[variable], !value.isEmpty {
            return value
        }
        return values[key]
    }
}
