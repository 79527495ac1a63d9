/// Where one setting's value came from: what `skein config show` prints beside it and what every
/// configuration error names, so a wrong value can be found where it was written.
public enum ConfigurationSource: Sendable, Equatable, CustomStringConvertible {
    /// A command-line flag, e.g. `--lease`.
    case flag(String)
    /// An environment variable, e.g. `SKEIN_LEASE`.
    case environment(String)
    /// A line of the configuration file.
    case file(path: String, line: Int)
    /// Nothing said otherwise.
    case defaultValue

    public var description: String {
        switch self {
        case .flag(let name): "flag \(name)"
        case .environment(let variable): "environment \(variable)"
        case .file(let path, let line): "\(path):\(line)"
        case .defaultValue: "default"
        }
    }

    /// How an error shows a value from here: `--lease abc (flag)`, `SKEIN_LEASE=abc (environment)`,
    /// `lease: abc (skein.yaml line 4)`. `shown` is the value already masked when it is a secret.
    func quote(key: String, shown: String) -> String {
        switch self {
        case .flag(let name): "\(name) \(shown) (flag)"
        case .environment(let variable): "\(variable)=\(shown) (environment)"
        case .file(let path, let line): "\(key): \(shown) (\(path) line \(line))"
        case .defaultValue: "\(key) \(shown) (default)"
        }
    }
}

/// One setting's effective value and where it came from, as `skein config show` lists it.
public struct ConfigurationEntry: Sendable, Equatable {
    /// The config-file key (`lease`), or for environment-only settings the variable (`SKEIN_SYNC_BACKOFF`).
    public let key: String
    /// The value as it may be shown: secrets masked (`postgres://skein:***@db/skein`, `***`);
    /// nil when the setting is unset and has no default (off, none).
    public let value: String?
    public let source: ConfigurationSource
    public let secret: Bool

    public init(key: String, value: String?, source: ConfigurationSource, secret: Bool) {
        self.key = key
        self.value = value
        self.source = source
        self.secret = secret
    }
}

/// Every problem of a configuration, reported together so one start-up shows them all.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// One sentence each, naming the setting, where it came from and what it must be.
    public let problems: [String]

    public var description: String {
        if problems.count == 1 { return problems[0] }
        return "the configuration has \(problems.count) problems:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
