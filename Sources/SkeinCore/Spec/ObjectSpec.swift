public import SkeinJSON

/// One named setting: its kind, whether it must be written, its default and what it is for.
public struct FieldSpec: Sendable {
    public var name: String
    public var kind: FieldKind
    public var required: Bool
    /// Used when the setting is not written; shapes read it like a written value.
    public var defaultValue: JSON?
    /// One or two sentences for docs, the JSON Schema's `description` and form hints.
    public var help: String

    public init(_ name: String, _ kind: FieldKind, required: Bool = false, default defaultValue: JSON? = nil, help: String) {
        self.name = name
        self.kind = kind
        self.required = required
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// The settings of an object: its fields, and the rules that tie fields together.
///
/// Keys that are not fields are problems (`unknown field 'retires'`), so a typo never changes
/// what a flow does silently.
public struct ObjectSpec: Sendable {
    public let fields: [FieldSpec]
    public let rules: [SpecRule]
    /// Keys a rule refuses with a message of its own (they are known, not unknown).
    let refusedKeys: Set<String>
    /// Each field's position in `fields`, for lookups by name (a flow reads them many times).
    private let positions: [String: Int]

    public init(_ fields: [FieldSpec], rules: [SpecRule] = []) {
        self.fields = fields
        self.rules = rules
        refusedKeys = Set(rules.compactMap { if case .refused(let key, _) = $0 { key } else { nil } })
        positions = Dictionary(fields.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func field(_ name: String) -> FieldSpec? { positions[name].map { fields[$0] } }

    /// This spec with `field` first (a variant's picking key before its own settings).
    func prepending(_ field: FieldSpec) -> ObjectSpec { ObjectSpec([field] + fields, rules: rules) }
}

/// A rule across the fields of one object, checked after each field on its own.
///
/// Most are declarative, so the JSON Schema and the docs say them too; `.check` is for the few
/// that only code can decide, and still reports its problems with their paths.
public enum SpecRule: Sendable {
    /// Exactly one of `keys` must be written: `give either fields: or transform:, not both`.
    case exactlyOne([String], whenNone: RuleMessage, whenSeveral: RuleMessage)
    /// At most one of `keys` may be written.
    case atMostOne([String], whenSeveral: RuleMessage)
    /// At least one of `keys` must be written.
    case atLeastOne([String], whenNone: RuleMessage)
    /// `key` may be written only when `condition` holds: `pagination` only with `direction: receive`.
    case onlyWhen(String, SpecCondition, message: String)
    /// `key` must be written when `condition` holds: `move_to` when `after: move`.
    case requiredWhen(String, SpecCondition, message: String)
    /// `key` is known but refused here, with the reason (`endpoint_id` on an sftp sync block).
    case refused(String, message: String)
    /// A check in code; `summary` says in words what it checks (docs).
    case check(ObjectCheck)
}

/// Where a rule's problem is reported (a key of the object, or "" for the object itself) and
/// its text; `{given}` becomes the keys that were written, comma-separated.
public struct RuleMessage: Sendable {
    public var key: String
    public var text: String

    public init(_ key: String, _ text: String) {
        self.key = key
        self.text = text
    }
}

/// A condition on the settings of an object, for `onlyWhen` and `requiredWhen`. Keys may be
/// dotted to look into a nested object (`pagination.type`). A field not written counts as its
/// default; a field with a problem makes the condition undecided (the rule is skipped).
public indirect enum SpecCondition: Sendable {
    case equals(String, JSON)
    case oneOf(String, [JSON])
    /// The key is written (even as `null`).
    case present(String)
    case not(SpecCondition)
    case all([SpecCondition])
}

/// A check in code on an object's validated settings; it reports problems on them.
public struct ObjectCheck: Sendable {
    public var summary: String
    public let run: @Sendable (ValidSettings) -> Void

    public init(_ summary: String, _ run: @escaping @Sendable (ValidSettings) -> Void) {
        self.summary = summary
        self.run = run
    }
}

/// Where a shape type belongs, for docs and the browser's palette.
public enum ShapeCategory: String, Sendable, CaseIterable {
    case connector
    case data
    case flowControl = "flow-control"
    case memory
    case code
    case messages

    public var title: String {
        switch self {
        case .connector: "Connectors"
        case .data: "Data"
        case .flowControl: "Flow control"
        case .memory: "Memory across runs"
        case .code: "Code"
        case .messages: "Messages"
        }
    }
}

/// Everything there is to know about one shape type's settings, as data: it drives validation,
/// the JSON Schema, the generated reference in docs/shapes.md and the browser's forms.
public struct ShapeSpec: Sendable {
    /// The key that names the type in flow files (`map`).
    public var type: String
    public var category: ShapeCategory
    /// One line for docs and the UI.
    public var summary: String
    /// A paragraph more, when the summary is not enough.
    public var help: String
    public var settings: ObjectSpec
    /// A complete shape entry in YAML, as a user writes it.
    public var example: String?
    /// The shape reads only its input, its settings and the flow's variables, and changes
    /// nothing outside its step (map, filter, assert, split, payload): carrying it out again
    /// after a crash repeats nothing anyone can see. Such a step's start is committed together
    /// with its end — a short run pays for one commit fewer per step — and the canvas can
    /// preview it on stored payloads.
    public var touchesNoSystem: Bool

    public init(
        type: String, category: ShapeCategory, touchesNoSystem: Bool = false, summary: String, help: String = "", settings: ObjectSpec,
        example: String? = nil
    ) {
        self.type = type
        self.category = category
        self.summary = summary
        self.help = help
        self.settings = settings
        self.example = example
        self.touchesNoSystem = touchesNoSystem
    }
}
