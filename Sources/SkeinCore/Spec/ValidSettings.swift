public import JSONata
public import SkeinJSON

/// One value that passed its field's checks, in the form shapes use it.
public indirect enum SpecValue: Sendable {
    /// Text, numbers, booleans, choices, durations and sizes as written, and any JSON value.
    case json(JSON)
    /// A JSONata expression, compiled once when the flow was read.
    case expression(ShapeExpression)
    case object(ValidSettings)
    case list([SpecValue])
    /// A dictionary's entries in the order written.
    case entries([Entry])
    /// A sequence of shapes (a structure's children), already read.
    case shapes([ShapeDefinition])

    public struct Entry: Sendable {
        public var key: String
        public var value: SpecValue
    }

    public var string: String? {
        switch self {
        case .json(.string(let text)): text
        case .expression(let expression): expression.source
        default: nil
        }
    }

    public var int: Int? { if case .json(.number(let number)) = self { Int(exactly: number) } else { nil } }
    public var bool: Bool? { if case .json(.bool(let bool)) = self { bool } else { nil } }
    public var expression: ShapeExpression? { if case .expression(let expression) = self { expression } else { nil } }
    public var object: ValidSettings? { if case .object(let settings) = self { settings } else { nil } }
    public var list: [SpecValue]? { if case .list(let items) = self { items } else { nil } }
    public var entries: [Entry]? { if case .entries(let entries) = self { entries } else { nil } }
    public var shapes: [ShapeDefinition]? { if case .shapes(let shapes) = self { shapes } else { nil } }

    /// The value as JSON (an expression as its text, an object as what was written).
    public var json: JSON {
        switch self {
        case .json(let json): json
        case .expression(let expression): .string(expression.source)
        case .object(let settings): .object(settings.written)
        case .list(let items): .array(items.map(\.json))
        case .entries(let entries): .object(JSON.Object(uniqueKeysWithValues: entries.map { ($0.key, $0.value.json) }))
        case .shapes: .null
        }
    }
}

/// The settings of one object after `SpecValidator` checked them against their `ObjectSpec`:
/// the values that passed, with defaults filled in.
///
/// Shapes build their configuration from these, so what they read is exactly what the spec
/// allowed. Asking for a key the spec does not declare stops the process (a programming error,
/// caught by any test that prepares the shape); ask through `optional` for settings that may be
/// absent (not written and without a default).
///
/// ```swift
/// let batchSize = settings.int("batch_size")               // has a default
/// let wrapKey = settings.optional.string("wrap_key")       // may be absent
/// ```
public struct ValidSettings: Sendable {
    /// Where the object is in the flow file (`shapes[2].split`), for problems.
    public let path: String
    /// Its name relative to the shape (`map.fields`), for run-time error messages.
    public let setting: String
    public let problems: ProblemList
    let spec: ObjectSpec
    let values: [String: SpecValue]
    /// The object as written.
    public let written: JSON.Object
    /// Keys whose value had a problem.
    let troubled: Set<String>
    /// Stands in for an object that had a problem: every key reads as troubled.
    let isPlaceholder: Bool

    init(
        path: String, setting: String, problems: ProblemList, spec: ObjectSpec, values: [String: SpecValue], written: JSON.Object,
        troubled: Set<String>, isPlaceholder: Bool = false
    ) {
        self.path = path
        self.setting = setting
        self.problems = problems
        self.spec = spec
        self.values = values
        self.written = written
        self.troubled = troubled
        self.isPlaceholder = isPlaceholder
    }

    /// Whether `key` is written in the file (even as `null`), as opposed to taking its default.
    public func has(_ key: String) -> Bool { written[key] != nil }

    public func childPath(_ key: String) -> String { SpecPath.join(path, key) }

    /// Records a problem at `key` of this object ("" for the object itself).
    public func report(_ key: String, _ message: String) { problems.add(childPath(key), message) }

    /// The value of `key` (written or default), or nil; the key must be declared.
    public func value(_ key: String) -> SpecValue? {
        if isPlaceholder { return nil }
        precondition(spec.field(key) != nil, "'\(key)' is not a field of the spec read at \(path)")
        return values[key]
    }

    /// Accessors for settings that may be absent.
    public var optional: OptionalValues { OptionalValues(settings: self) }

    public struct OptionalValues: Sendable {
        let settings: ValidSettings
        public func value(_ key: String) -> SpecValue? { settings.value(key) }
        public func string(_ key: String) -> String? { value(key)?.string }
        public func int(_ key: String) -> Int? { value(key)?.int }
        public func bool(_ key: String) -> Bool? { value(key)?.bool }
        public func json(_ key: String) -> JSON? { value(key)?.json }
        public func duration(_ key: String) -> Duration? { value(key).flatMap { DurationText.parse($0.json) } }
        public func bytes(_ key: String) -> Int? { value(key).flatMap { ByteSizeText.parse($0.json) } }
        public func fieldPath(_ key: String) -> FieldPath? { string(key).flatMap { try? FieldPath($0) } }
        public func expression(_ key: String) -> ShapeExpression? { value(key)?.expression }
        public func object(_ key: String) -> ValidSettings? { value(key)?.object }
        public func list(_ key: String) -> [SpecValue]? { value(key)?.list }
        public func entries(_ key: String) -> [SpecValue.Entry]? { value(key)?.entries }
        public func shapes(_ key: String) -> [ShapeDefinition]? { value(key)?.shapes }
    }

    /// The value, or — when the setting had a problem, so the flow is refused anyway — a stand-in,
    /// so code that reads settings after a problem never stops the process on a user's input.
    /// A setting that is absent *without* a problem is a spec that does not match its code.
    private func present<T>(_ value: T?, _ key: String, standIn: @autoclosure () -> T) -> T {
        if let value { return value }
        guard isPlaceholder || troubled.contains(key) else {
            preconditionFailure("'\(key)' at \(path) has no value: declare it required or give it a default in the spec")
        }
        return standIn()
    }

    public func string(_ key: String) -> String { present(optional.string(key), key, standIn: "") }
    public func int(_ key: String) -> Int { present(optional.int(key), key, standIn: 0) }
    public func bool(_ key: String) -> Bool { present(optional.bool(key), key, standIn: false) }
    public func json(_ key: String) -> JSON { present(optional.json(key), key, standIn: .null) }
    public func duration(_ key: String) -> Duration { present(optional.duration(key), key, standIn: .zero) }
    public func bytes(_ key: String) -> Int { present(optional.bytes(key), key, standIn: 0) }
    public func fieldPath(_ key: String) -> FieldPath { present(optional.fieldPath(key), key, standIn: FieldPath.whole) }
    public func expression(_ key: String) -> ShapeExpression { present(optional.expression(key), key, standIn: ShapeExpression.identity) }
    public func object(_ key: String) -> ValidSettings { present(optional.object(key), key, standIn: placeholder(key)) }
    public func list(_ key: String) -> [SpecValue] { present(optional.list(key), key, standIn: []) }
    public func entries(_ key: String) -> [SpecValue.Entry] { present(optional.entries(key), key, standIn: []) }
    public func shapes(_ key: String) -> [ShapeDefinition] { present(optional.shapes(key), key, standIn: []) }

    private func placeholder(_ key: String) -> ValidSettings {
        ValidSettings(
            path: childPath(key), setting: SpecPath.join(setting, key), problems: problems, spec: ObjectSpec([]), values: [:],
            written: [:], troubled: [], isPlaceholder: true)
    }

    /// The validated value at a dotted key (`pagination.type`), or nil when absent or troubled.
    func lookup(_ dotted: String) -> (value: SpecValue?, decided: Bool) {
        let parts = dotted.split(separator: ".", maxSplits: 1).map(String.init)
        if troubled.contains(parts[0]) { return (nil, false) }
        let value = values[parts[0]]
        guard parts.count == 2 else { return (value, true) }
        guard let nested = value?.object else { return (nil, true) }
        return nested.lookup(parts[1])
    }
}

extension SpecCondition {
    /// Whether the condition holds for `settings`; nil when a field it reads had a problem.
    func holds(in settings: ValidSettings) -> Bool? {
        switch self {
        case .equals(let key, let expected):
            let (value, decided) = settings.lookup(key)
            return decided ? value?.json == expected : nil
        case .oneOf(let key, let expected):
            let (value, decided) = settings.lookup(key)
            return decided ? value.map { expected.contains($0.json) } ?? false : nil
        case .present(let key):
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return settings.has(key) }
            let (value, decided) = settings.lookup(parts[0])
            guard decided else { return nil }
            return value?.object.map { SpecCondition.present(parts[1]).holds(in: $0) } ?? false
        case .not(let condition):
            return condition.holds(in: settings).map { !$0 }
        case .all(let conditions):
            var result = true
            for condition in conditions {
                guard let holds = condition.holds(in: settings) else { return nil }
                result = result && holds
            }
            return result
        }
    }
}

/// Paths in problems: `shapes[2].map.fields.total`.
enum SpecPath {
    static func join(_ path: String, _ key: String) -> String {
        if key.isEmpty { return path }
        return path.isEmpty ? key : "\(path).\(key)"
    }
}

extension FieldPath {
    /// `$`: the whole document.
    static let whole = try! FieldPath("$")
}

extension ShapeExpression {
    /// `$`, standing in for an expression that had a problem.
    static let identity = ShapeExpression.compile("$", path: "", setting: "", problems: ProblemList())!

    /// The compiled JSONata, for code that evaluates it itself (sync report fields, database parameters).
    public var jsonata: JSONataExpression { compiled }
}
