import Foundation
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
/// Each value keeps the line it was written on, so an error can say `lease: abc (skein.yaml
/// line 4)`. Unknown keys and values that are not single scalars are problems, reported with
/// the others of the configuration (``SkeinConfiguration``), so a typo never goes unnoticed.
public struct ConfigurationFile: Sendable {
    public struct Value: Sendable, Equatable {
        public let text: String
        public let line: Int
    }

    /// The path as given; nil when no file is configured.
    public let path: String?
    public let values: [String: Value]
    /// Lines that are not a known setting with a single value, each a sentence naming the line.
    public let problems: [String]

    public static let none = ConfigurationFile(path: nil, values: [:], problems: [])

    public init(path: String?, values: [String: Value], problems: [String] = []) {
        self.path = path
        self.values = values
        self.problems = problems
    }

    /// Reads the file at `path`; nil reads nothing. A file that cannot be read or is not YAML
    /// is an error at once: nothing in it can be trusted.
    public static func read(_ path: String?) throws(ConfigurationError) -> ConfigurationFile {
        guard let path else { return .none }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError(problems: ["cannot read the configuration file \(path): \(error.localizedDescription)"])
        }
        return try parse(text, path: path)
    }

    /// How YAML writes "no value" (`key:` or `key: ~`): a setting with no value is a problem, not a default.
    static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// Parses `text` as the file at `path` (tests give text directly).
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> ConfigurationFile {
        let document: Node?
        do { document = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError(problems: ["the configuration file \(path) is not valid YAML: \(error)"])
        }
        guard let document else { return ConfigurationFile(path: path, values: [:]) }
        guard case .mapping(let mapping) = document else {
            throw ConfigurationError(problems: ["the configuration file \(path) must be a mapping of settings (key: value)"])
        }
        let known = Set(ConfigurationSetting.fileKeys)
        var values: [String: Value] = [:]
        var problems: [String] = []
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line ?? 0
            let key = keyNode.string ?? "\(keyNode)"
            guard known.contains(key) else {
                problems.append("\(path) line \(line): unknown setting '\(key)'; known: \(ConfigurationSetting.fileKeys.joined(separator: ", "))")
                continue
            }
            guard case .scalar(let scalar) = valueNode, !(scalar.style == .plain && Self.nulls.contains(scalar.string)) else {
                problems.append("\(path) line \(line): '\(key)' must be a single value")
                continue
            }
            values[key] = Value(text: scalar.string, line: line)
        }
        return ConfigurationFile(path: path, values: values, problems: problems)
    }
}
