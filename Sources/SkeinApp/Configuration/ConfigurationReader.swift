import Foundation

/// Reads each setting once from its flag, its environment variable, the configuration file and
/// its default — the first that says wins — remembering where every value came from and
/// collecting every bad value as a problem instead of stopping at the first.
///
/// Why not apple/swift-configuration (1.4.0, already in the build through async-http-client):
/// its YAML provider keeps no line numbers, so an error could not say `lease: abc (skein.yaml
/// line 4)`; a provider answers the keys asked for and cannot refuse a misspelt key in the file;
/// its command-line provider would parse flags ArgumentParser already parses (with their help);
/// and its non-throwing getters fall back to the default on a value they cannot convert, the
/// silent default this reader exists to forbid. The precedence, sources and secrets it would
/// give are these few lines.
struct ConfigurationReader {
    /// Flag values by setting key (`lease` → "30"), as the command line gave them.
    let flags: [String: String]
    let environment: [String: String]
    let file: ConfigurationFile
    private(set) var problems: [String] = []
    private(set) var entries: [ConfigurationEntry] = []

    init(flags: [String: String], environment: [String: String], file: ConfigurationFile) {
        self.flags = flags
        self.environment = environment
        self.file = file
        problems = file.problems
    }

    /// The raw text of `setting` and where it came from; nil when nothing sets it. An empty
    /// environment variable counts as unset (shells make those easily).
    func raw(_ setting: ConfigurationSetting) -> (text: String, source: ConfigurationSource)? {
        if let flag = setting.flag, let text = flags[setting.key] { return (text, .flag(flag)) }
        if let text = environment[setting.variable], !text.isEmpty { return (text, .environment(setting.variable)) }
        if setting.inFile, let path = file.path, let value = file.values[setting.key] { return (value.text, .file(path: path, line: value.line)) }
        return nil
    }

    /// Reads `key`: `parse` turns its text into a value or nil, `expected` says what it must be
    /// when it cannot ("must be a whole number of seconds"). Unset, the setting is `fallback`,
    /// shown as `shownDefault`.
    mutating func read<Value>(
        _ key: String, default fallback: Value, shown shownDefault: String?, expected: String,
        _ parse: (String) -> Value?
    ) -> Value {
        let setting = ConfigurationSetting.named(key)
        guard let (text, source) = raw(setting) else {
            entries.append(ConfigurationEntry(key: key, value: shownDefault, source: .defaultValue, secret: setting.secret))
            return fallback
        }
        let shown = ConfigurationMask.mask(text, setting)
        entries.append(ConfigurationEntry(key: key, value: shown, source: source, secret: setting.secret))
        guard let value = parse(text) else {
            problems.append("\(source.quote(key: setting.key, shown: shown)): \(expected)")
            return fallback
        }
        return value
    }

    /// Reads an optional setting (nil when unset).
    mutating func optional<Value>(_ key: String, shown: String? = nil, expected: String, _ parse: (String) -> Value?) -> Value? {
        read(key, default: nil, shown: shown, expected: expected) { text in parse(text).map { Optional($0) } }
    }

    /// Records a problem that concerns several settings together.
    mutating func problem(_ text: String) { problems.append(text) }

    /// Replaces the shown value of an entry whose default depends on other settings.
    mutating func show(_ key: String, default shown: String) {
        guard let index = entries.firstIndex(where: { $0.key == key }), entries[index].source == .defaultValue else { return }
        entries[index] = ConfigurationEntry(key: key, value: shown, source: .defaultValue, secret: entries[index].secret)
    }
}

/// Masks secrets for `skein config show` and errors: a database URL keeps everything but its
/// password (`postgres://skein:***@db/skein`); any other secret is `***`.
enum ConfigurationMask {
    static func mask(_ text: String, _ setting: ConfigurationSetting) -> String {
        guard setting.secret else { return text }
        guard setting.onlyPasswordSecret else { return "***" }
        return maskPassword(text)
    }

    /// `postgres://skein:***@db/skein` for `postgres://skein:secret@db/skein`; text without a password as it is.
    static func maskPassword(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let authority = text[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}
