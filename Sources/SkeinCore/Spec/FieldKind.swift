public import SkeinJSON

/// What a setting holds. One value of this type decides, for that setting, how `skein flow
/// validate` checks it (`SpecValidator`), how the JSON Schema describes it (`FlowSchema`), how
/// docs/shapes.md lists it (`ShapeReference`) and which control the browser draws for it
/// (`SpecJSON`, field `kind`).
///
/// ```swift
/// FieldSpec("batch_size", .integer(1...1_000_000), default: 1, help: "Items per payload.")
/// FieldSpec("mode", .choice(["filter", "track", "filter_and_track"]), default: "filter_and_track", help: "…")
/// FieldSpec("pagination", .variants(Pagination.variants), help: "…")
/// ```
public indirect enum FieldKind: Sendable {
    /// Text; `TextKind` says what the text means (plain, a JSONata expression, a template, a
    /// secret, a reference to an instance, pool, cache, flow or step, …).
    case text(TextKind, TextRules)
    /// A whole number within the range.
    case integer(ClosedRange<Int>)
    /// Any number.
    case number
    /// `true` or `false`.
    case boolean
    /// One of a fixed set of words.
    case choice([Choice])
    /// `500ms`, `2s`, `5m`, `1h`, `1d` or a number of seconds.
    case duration(DurationBounds)
    /// `512MB`, `2GB` or a number of bytes, at least `minimum`.
    case byteSize(minimum: Int)
    /// Any JSON value of the given types, kept as written.
    case json(JSONTypes)
    /// A list whose items are all of one kind.
    case list(FieldKind, ListRules)
    /// An object with named settings of its own.
    case object(ObjectSpec)
    /// An object whose keys are names the user chooses (map targets, headers, variables), all
    /// with values of one kind.
    case dictionary(DictionarySpec)
    /// An object whose settings depend on one of its fields (`pagination: {type: cursor, …}`).
    case variants(Variants)
    /// One of several kinds, picked by the JSON type written (a map rule is an expression
    /// string or a `{expr:, default:}` object). `mismatch` is the problem when no kind takes the
    /// value (`{found}` becomes its JSON type).
    case anyOf([FieldKind], mismatch: String?)
    /// A list of shape entries: the flow's own `shapes:`, or a child sequence of a route,
    /// branch or try. Read by the flow decoder, which keeps shape ids unique across the tree.
    case shapes(ListRules)
    /// A kind named here and defined elsewhere at run time (e.g. by connector definitions kept as
    /// data): validation looks it up in `SpecContext.externalKinds`, the JSON Schema in its
    /// generator's table; unknown there, any JSON value is accepted.
    case external(String)
}

/// What a text setting means: the browser picks its control by it, validation checks it by it.
public enum TextKind: String, Sendable, CaseIterable {
    case string
    /// A JSONata expression, compiled when the flow is read.
    case expression
    /// Text with `{{placeholder}}` parts filled in per payload or from variables.
    case template
    /// A value never shown back (webhook tokens, credentials).
    case secret
    /// A dotted path into a payload: `customer.addresses[0].city`.
    case fieldPath = "field-path"
    /// A 5-field cron expression, UTC.
    case cron
    /// The name of an instance (`skein instance add NAME`).
    case instanceRef = "instance-ref"
    /// The name of a de-dupe data pool.
    case poolRef = "pool-ref"
    /// The name of a cache.
    case cacheRef = "cache-ref"
    /// The id of a deployed flow.
    case flowRef = "flow-ref"
    /// The id of a shape of this flow.
    case stepRef = "step-ref"
    /// The name of an environment variable of the `skein serve` process.
    case environmentVariable = "env-var"
}

/// Constraints on a text setting beyond its kind.
public struct TextRules: Sendable {
    /// A regular expression (ECMA-262 syntax that Swift's `Regex` reads the same way, anchored
    /// with `^…$`) the whole text must match. Validation and the JSON Schema both use it.
    public var pattern: String?
    /// The problem when `pattern` does not match; `{value}` becomes the text.
    public var patternMessage: String?
    /// An empty text is a problem ("must not be empty"); required texts are always non-empty.
    public var nonEmpty: Bool
    /// A check in code for what a pattern cannot say; returns the problem.
    public var check: TextCheck?
    /// For templates and expressions: what the placeholders or variables may name (docs and forms).
    public var syntax: String?

    public init(
        pattern: String? = nil, patternMessage: String? = nil, nonEmpty: Bool = false, check: TextCheck? = nil,
        syntax: String? = nil
    ) {
        self.pattern = pattern
        self.patternMessage = patternMessage
        self.nonEmpty = nonEmpty
        self.check = check
        self.syntax = syntax
    }
}

/// A check in code on one text value: returns the problem, or nil when the text is fine.
public struct TextCheck: Sendable {
    public let run: @Sendable (String) -> String?
    public init(_ run: @escaping @Sendable (String) -> String?) { self.run = run }
}

/// One allowed word of a `.choice`, with what it means.
public struct Choice: Sendable, ExpressibleByStringLiteral {
    public var value: String
    public var help: String
    /// Other spellings accepted as this value (`get` for `GET`); messages list only `value`.
    public var aliases: [String]

    public init(_ value: String, help: String = "", aliases: [String] = []) {
        self.value = value
        self.help = help
        self.aliases = aliases
    }

    func accepts(_ text: String) -> Bool { text == value || aliases.contains(text) }

    public init(stringLiteral value: String) { self.init(value) }
}

/// Limits on a duration setting.
public struct DurationBounds: Sendable {
    /// Zero is refused.
    public var moreThanZero: Bool
    public var maximum: Duration?

    public init(moreThanZero: Bool = false, maximum: Duration? = nil) {
        self.moreThanZero = moreThanZero
        self.maximum = maximum
    }

    public static let any = DurationBounds()
    public static let positive = DurationBounds(moreThanZero: true)
    public static func positive(atMost maximum: Duration) -> DurationBounds { DurationBounds(moreThanZero: true, maximum: maximum) }

    /// The problem with `duration`, or nil.
    func problem(_ duration: Duration) -> String? {
        let tooSmall = moreThanZero && duration <= .zero
        let tooLarge = maximum.map { duration > $0 } ?? false
        guard tooSmall || tooLarge else { return nil }
        return summary.map { "must be \($0)" }
    }

    /// `more than 0 and at most 1m`, for messages and docs.
    var summary: String? {
        switch (moreThanZero, maximum) {
        case (true, let maximum?): "more than 0 and at most \(DurationText.format(maximum))"
        case (true, nil): "more than 0"
        case (false, let maximum?): "at most \(DurationText.format(maximum))"
        case (false, nil): nil
        }
    }
}

/// The JSON types a `.json` setting accepts.
public struct JSONTypes: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let string = JSONTypes(rawValue: 1)
    public static let number = JSONTypes(rawValue: 2)
    public static let boolean = JSONTypes(rawValue: 4)
    public static let null = JSONTypes(rawValue: 8)
    public static let array = JSONTypes(rawValue: 16)
    public static let object = JSONTypes(rawValue: 32)
    public static let any: JSONTypes = [.string, .number, .boolean, .null, .array, .object]
    /// A literal that is not text: a number, `true`/`false` or `null`.
    public static let scalar: JSONTypes = [.number, .boolean, .null]

    func contains(_ value: JSON) -> Bool {
        switch value {
        case .string: contains(JSONTypes.string)
        case .number: contains(JSONTypes.number)
        case .bool: contains(JSONTypes.boolean)
        case .null: contains(JSONTypes.null)
        case .array: contains(JSONTypes.array)
        case .object: contains(JSONTypes.object)
        }
    }

    /// JSON Schema type names, in a fixed order.
    var schemaNames: [String] {
        [(JSONTypes.string, "string"), (.number, "number"), (.boolean, "boolean"), (.null, "null"), (.array, "array"), (.object, "object")]
            .filter { contains($0.0) }.map(\.1)
    }
}

/// Constraints on a list.
public struct ListRules: Sendable {
    public var minimum: Int
    /// The problem when the list has fewer than `minimum` items (default: `give at least N`).
    public var tooFew: String?

    public init(minimum: Int = 0, tooFew: String? = nil) {
        self.minimum = minimum
        self.tooFew = tooFew
    }
}

/// An object of user-chosen names to values of one kind: `map.fields`, `http.headers`, `variables`.
public struct DictionarySpec: Sendable {
    /// What the names are, for docs and forms (`target path`, `variable name`, `header name`).
    public var keyName: String
    /// Constraints on each name (a pattern, a check).
    public var keys: TextRules
    public var value: FieldKind
    public var minimum: Int
    /// The problem when there are fewer than `minimum` entries.
    public var tooFew: String?

    public init(keyName: String, keys: TextRules = TextRules(), value: FieldKind, minimum: Int = 0, tooFew: String? = nil) {
        self.keyName = keyName
        self.keys = keys
        self.value = value
        self.minimum = minimum
        self.tooFew = tooFew
    }
}

/// An object whose field `key` picks which settings it has: `{type: page, param: page}` or
/// `{type: cursor, cursor_path: meta.next}`.
public struct Variants: Sendable {
    /// The field that picks (`type`).
    public var key: String
    public var cases: [Variant]
    /// A bare string is accepted as `{key: string}` (`auth: basic` for `auth: {type: basic}`).
    public var shorthand: Bool

    public init(key: String = "type", cases: [Variant], shorthand: Bool = false) {
        self.key = key
        self.cases = cases
        self.shorthand = shorthand
    }

    func variant(_ value: String) -> Variant? { cases.first { $0.value == value } }
}

/// One case of `Variants`: the value of the picking field and the settings that go with it.
public struct Variant: Sendable {
    public var value: String
    public var help: String
    public var settings: ObjectSpec

    public init(_ value: String, help: String, settings: ObjectSpec = ObjectSpec([])) {
        self.value = value
        self.help = help
        self.settings = settings
    }
}

extension FieldKind {
    public static let string = FieldKind.text(.string, TextRules())
    public static let expression = FieldKind.text(.expression, TextRules())
    public static let fieldPath = FieldKind.text(.fieldPath, TextRules())
    public static let cron = FieldKind.text(
        .cron,
        TextRules(
            pattern: "^[ \\t]*[^ \\t]+([ \\t]+[^ \\t]+){4}[ \\t]*$",
            patternMessage: "invalid cron expression '{value}': expected 5 fields (minute hour day-of-month month day-of-week)"))
    public static let instance = FieldKind.text(.instanceRef, TextRules())
    public static let step = FieldKind.text(.stepRef, TextRules())
    public static let environmentVariable = FieldKind.text(.environmentVariable, TextRules())
    public static let anyJSON = FieldKind.json(.any)

    public static func string(_ rules: TextRules) -> FieldKind { .text(.string, rules) }
    public static func template(_ rules: TextRules = TextRules()) -> FieldKind { .text(.template, rules) }
    public static func choice(_ values: [String]) -> FieldKind { .choice(values.map { Choice($0) }) }
    public static func list(_ item: FieldKind, minimum: Int = 0, tooFew: String? = nil) -> FieldKind {
        .list(item, ListRules(minimum: minimum, tooFew: tooFew))
    }
    public static func object(_ fields: [FieldSpec], rules: [SpecRule] = []) -> FieldKind { .object(ObjectSpec(fields, rules: rules)) }
    public static func anyOf(_ kinds: [FieldKind]) -> FieldKind { .anyOf(kinds, mismatch: nil) }

    /// Which JSON values this kind reads (before checking them further).
    func accepts(_ value: JSON) -> Bool {
        switch (self, value) {
        case (.text, .string), (.choice, .string), (.integer, .number), (.number, .number), (.boolean, .bool): true
        case (.duration, .string), (.duration, .number), (.byteSize, .string), (.byteSize, .number): true
        case (.json(let types), _): types.contains(value)
        case (.list, .array), (.shapes, .array), (.object, .object), (.dictionary, .object), (.variants, .object): true
        case (.variants(let variants), .string): variants.shorthand
        case (.anyOf(let kinds, _), _): kinds.contains { $0.accepts(value) }
        case (.external, _): true
        default: false
        }
    }

    /// Whether a written `null` is a value of this kind (otherwise `null` means "not written").
    var acceptsNull: Bool { accepts(.null) }

    /// Words for messages: `a string`, `a whole number`, `a list`.
    var noun: String {
        switch self {
        case .text(let kind, _):
            switch kind {
            case .expression: "a JSONata expression (a string)"
            case .template: "a template (a string)"
            default: "a string"
            }
        case .integer: "a whole number"
        case .number: "a number"
        case .boolean: "true or false"
        case .choice(let choices): "one of \(choices.map(\.value).joined(separator: ", "))"
        case .duration: "a duration"
        case .byteSize: "a size"
        case .json(let types): types == .any ? "any JSON value" : types.schemaNames.joined(separator: " or ")
        case .list, .shapes: "a list"
        case .object, .dictionary, .variants: "an object"
        case .anyOf(let kinds, _): kinds.map(\.noun).joined(separator: " or ")
        case .external(let name): "a \(name)"
        }
    }
}

extension JSON {
    /// A whole number, for spec defaults: `default: .int(RetryPolicy().attempts)`.
    public static func int(_ value: Int) -> JSON { .number(Double(value)) }
    /// A duration as people write it, for spec defaults: `default: .duration(.seconds(90))` is `"90s"`.
    public static func duration(_ value: Duration) -> JSON { .string(DurationText.format(value)) }
}
