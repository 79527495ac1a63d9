import SkeinJSON

/// The settings reference of docs/shapes.md, generated from the specs: one table per shape type
/// (and for the flow file, its trigger and the keys every shape has), with each setting's type,
/// default and help, and the rules across settings in words.
///
/// It lives between `beginMarker` and `endMarker`, so the hand-written prose around it stays;
/// `skein flow schema --docs --update docs/shapes.md` rewrites it, and a test fails while the
/// checked-in file differs from what the specs give.
public enum ShapeReference {
    public static let beginMarker = "<!-- BEGIN GENERATED: shape reference (skein flow schema --docs); do not edit by hand -->"
    public static let endMarker = "<!-- END GENERATED: shape reference -->"
    public static let regenerate = "skein flow schema --docs --update docs/shapes.md"

    /// Said of each shape whose spec says `touchesNoSystem`.
    static let touchesNoSystem =
        "It touches no system: the canvas can preview it on stored payloads (docs/flows.md), and a run commits its step's start with its end."

    /// The generated section, markers included.
    public static func markdown(catalog: ShapeCatalog) -> String {
        var out: [String] = [
            beginMarker, "", "## Reference", "",
            "Every setting of every shape type, generated from the specs that `skein flow validate` checks flows",
            "with (the same specs give `skein flow schema`'s JSON Schema). Nested settings are written with dots",
            "(`retry.attempts`); `[]` is each item of a list and `<name>` a key you choose.", "",
        ]
        out += section("### Flow file", "The top level of a flow file (docs/flows.md).", FlowSpec.document)
        out += section("### Every shape", "The keys of every entry in `shapes:` besides its type key.", FlowSpec.shapeEntry)
        var category: ShapeCategory?
        for spec in catalog.specs {
            if spec.category != category {
                category = spec.category
                out += ["### \(spec.category.title)", ""]
            }
            let pure = spec.touchesNoSystem ? " " + Self.touchesNoSystem : ""
            out += section("#### `\(spec.type)`", FlowSchema.describe(spec) + pure, spec.settings)
        }
        let instances = catalog.instanceSpecs
        if !instances.isEmpty {
            out += [
                "### Instances", "", "What `skein instance add NAME --type TYPE` takes: `--setting NAME=VALUE` (JSON values allowed) and",
                "`--credential` / `--credential-env` (secrets, stored encrypted, never shown back).", "",
            ]
            for spec in instances {
                let intro =
                    "\(spec.summary) Address: \(spec.address) Credentials: "
                    + spec.credentials.map { "`\($0.name)` (\(clause($0.help)))" }.joined(separator: ", ") + "."
                out +=
                    spec.settings.fields.isEmpty
                    ? ["#### `\(spec.type)` instances", "", escape(intro), "", "No settings.", ""]
                    : section("#### `\(spec.type)` instances", intro, spec.settings)
            }
        }
        out += [endMarker]
        return out.joined(separator: "\n") + "\n"
    }

    /// `text` with its generated section replaced by `section` (or nil when it has no markers).
    public static func replacing(in text: String, with section: String) -> String? {
        guard let begin = text.range(of: beginMarker), let end = text.range(of: endMarker, range: begin.upperBound..<text.endIndex) else {
            return nil
        }
        var rest = text[end.upperBound...]
        if rest.hasPrefix("\n") { rest = rest.dropFirst() }
        return String(text[..<begin.lowerBound]) + section + rest
    }

    static func section(_ heading: String, _ intro: String, _ spec: ObjectSpec) -> [String] {
        var rows: [String] = []
        var rules: [String] = []
        collect(spec, prefix: "", note: "", rows: &rows, rules: &rules)
        var out = [heading, "", escape(intro), "", "| Setting | Type | Default | Meaning |", "| --- | --- | --- | --- |"] + rows + [""]
        if !rules.isEmpty { out += rules.map { "- \($0)" } + [""] }
        return out
    }

    static func collect(_ spec: ObjectSpec, prefix: String, note: String, rows: inout [String], rules: inout [String]) {
        for field in spec.fields {
            let name = prefix + field.name
            let fallback = field.required ? "**required**" : field.defaultValue.map(literal) ?? ""
            rows.append("| `\(name)` | \(type(field.kind)) | \(fallback) | \(escape(note + field.help + choices(field.kind) + syntax(field.kind))) |")
            nested(field.kind, prefix: name, note: note, rows: &rows, rules: &rules)
        }
        let scope = prefix.isEmpty ? "" : "In `\(prefix.dropLast())`: "
        rules += spec.rules.map { scope + describe($0) }
    }

    /// Rows for the settings inside a setting (an object, the items of a list, a dictionary's values).
    static func nested(_ kind: FieldKind, prefix: String, note: String, rows: inout [String], rules: inout [String]) {
        switch kind {
        case .object(let spec): collect(spec, prefix: prefix + ".", note: note, rows: &rows, rules: &rules)
        case .list(let item, _): nested(item, prefix: prefix + "[]", note: note, rows: &rows, rules: &rules)
        case .dictionary(let spec):
            nested(spec.value, prefix: prefix + ".<\(spec.keyName.replacingAll(" ", with: "-"))>", note: note, rows: &rows, rules: &rules)
        case .anyOf(let kinds, _): for inner in kinds { nested(inner, prefix: prefix, note: note, rows: &rows, rules: &rules) }
        case .variants(let variants):
            for variant in variants.cases {
                collect(variant.settings, prefix: prefix + ".", note: "With `\(variants.key): \(variant.value)`: ", rows: &rows, rules: &rules)
            }
        default: break
        }
    }

    static func type(_ kind: FieldKind) -> String {
        switch kind {
        case .text(let textKind, _):
            switch textKind {
            case .string: "text"
            case .expression: "JSONata"
            case .template: "template"
            case .secret: "secret"
            case .fieldPath: "field path"
            case .cron: "cron"
            case .instanceRef: "instance name"
            case .poolRef: "pool name"
            case .cacheRef: "cache name"
            case .flowRef: "flow id"
            case .stepRef: "shape id"
            case .environmentVariable: "environment variable"
            }
        case .integer(let range): "integer \(range.lowerBound)–\(range.upperBound)"
        case .number: "number"
        case .boolean: "true/false"
        case .choice(let choices): choices.map { "`\($0.value)`" }.joined(separator: ", ")
        case .duration(let bounds): "duration" + (bounds.summary.map { ", \($0)" } ?? "")
        case .byteSize(let minimum): "size, at least \(ByteSizeText.format(minimum))"
        case .json(let types): types == .any ? "any JSON" : types.schemaNames.joined(separator: ", ")
        case .list(let item, _): "list of \(type(item))"
        case .object: "object"
        case .dictionary(let spec): "\(spec.keyName) → \(type(spec.value))"
        case .variants(let variants): "object by `\(variants.key)`"
        case .anyOf(let kinds, _): kinds.map(type).joined(separator: " or ")
        case .shapes: "list of shapes"
        case .external(let name): name
        }
    }

    /// What a template's placeholders (or a text's special forms) may name.
    static func syntax(_ kind: FieldKind) -> String {
        switch kind {
        case .text(_, let rules): rules.syntax.map { " \($0)" } ?? ""
        case .list(let item, _): syntax(item)
        case .anyOf(let kinds, _): kinds.map(syntax).first { !$0.isEmpty } ?? ""
        default: ""
        }
    }

    /// A default as written in a flow file: `json`, `1m`, `3`, `""`.
    static func literal(_ value: JSON) -> String {
        if case .string(let text) = value, !text.isEmpty { return "`\(escape(text))`" }
        return "`\(escape(value.serialized()))`"
    }

    /// `` `filter`: drop …; `track`: record … `` for choices (and variants) with help.
    static func choices(_ kind: FieldKind) -> String {
        var found: [Choice] = []
        switch kind {
        case .choice(let choices): found = choices
        case .anyOf(let kinds, _): for case .choice(let choices) in kinds { found += choices }
        case .variants(let variants): found = variants.cases.map { Choice($0.value, help: $0.help) }
        default: break
        }
        let explained = found.filter { !$0.help.isEmpty }
        guard !explained.isEmpty else { return "" }
        return " " + explained.map { "`\($0.value)`: \(clause($0.help))" }.joined(separator: "; ") + "."
    }

    /// A sentence as a clause after a colon: without its final stop.
    static func clause(_ sentence: String) -> String {
        sentence.hasSuffix(".") ? String(sentence.dropLast()) : sentence
    }

    static func describe(_ rule: SpecRule) -> String {
        func names(_ keys: [String]) -> String { keys.map { "`\($0)`" }.joined(separator: ", ") }
        return switch rule {
        case .exactlyOne(let keys, _, _): "Give exactly one of \(names(keys))."
        case .atMostOne(let keys, _): "Give at most one of \(names(keys))."
        case .atLeastOne(let keys, _): "Give at least one of \(names(keys))."
        case .onlyWhen(let key, let condition, _): "`\(key)` only when \(describe(condition))."
        case .requiredWhen(let key, let condition, _): "`\(key)` is required when \(describe(condition))."
        case .refused(let key, let message): "`\(key)` is refused: \(message)."
        case .check(let check): check.summary
        }
    }

    static func describe(_ condition: SpecCondition) -> String {
        switch condition {
        case .equals(let key, let value): "`\(key)` is `\(value.stringValue ?? value.serialized())`"
        case .oneOf(let key, let values): "`\(key)` is one of \(values.map { "`\($0.stringValue ?? $0.serialized())`" }.joined(separator: ", "))"
        case .present(let key): "`\(key)` is given"
        case .not(.present(let key)): "`\(key)` is not given"
        case .not(.equals(let key, let value)): "`\(key)` is not `\(value.stringValue ?? value.serialized())`"
        case .not(.oneOf(let key, let values)): "`\(key)` is not one of \(values.map { "`\($0.stringValue ?? $0.serialized())`" }.joined(separator: ", "))"
        case .not(let inner): "not (\(describe(inner)))"
        case .all(let conditions): conditions.map(describe).joined(separator: " and ")
        }
    }

    /// Table cells: pipes escaped, no line breaks.
    static func escape(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
    }
}
