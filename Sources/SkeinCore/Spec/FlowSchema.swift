public import SkeinJSON

/// The JSON Schema (draft 2020-12) of flow files, generated from the specs that validate them.
///
/// Editors use it to complete and check flows as they are typed (the YAML language server in
/// VS Code reads `# yaml-language-server: $schema=flow.schema.json`). It says everything the
/// specs say declaratively — types, required keys, allowed values, ranges, patterns, defaults,
/// unknown keys, which keys go together — with each setting's help as its `description`.
/// What only code can check (JSONata and template syntax, cron fields, a few cross-field
/// checks) is left to `skein flow validate`, which runs the same specs.
///
/// ```swift
/// let schema = FlowSchema.document(catalog: catalog)   // print with .serialized(.pretty)
/// ```
public enum FlowSchema {
    public static let draft = "https://json-schema.org/draft/2020-12/schema"

    /// The schema of a flow file whose shapes are the catalog's (plus `route`, `branch` and `try`).
    public static func document(catalog: ShapeCatalog) -> JSON {
        let builder = SchemaBuilder()
        var defs: JSON.Object = [:]
        let specs = catalog.specs
        var shapeProperties = builder.properties(FlowSpec.shapeEntry)
        for spec in specs {
            defs[spec.type] = .object(builder.object(spec.settings, description: describe(spec)))
            shapeProperties[spec.type] = ["$ref": .string("#/$defs/\(spec.type)"), "description": .string(spec.summary)]
        }
        defs["shape"] = .object([
            "type": "object",
            "description": "One step: an id, and exactly one shape type key holding that type's settings.",
            "properties": .object(shapeProperties),
            "required": ["id"],
            "additionalProperties": false,
            "oneOf": .array(specs.map { ["required": [.string($0.type)]] }),
        ])
        var root: JSON.Object = ["$schema": .string(draft), "title": "Skein flow file"]
        root.merge(
            builder.object(
                FlowSpec.document,
                description: "A Skein process flow: what starts it and the shapes its payloads go through (docs/flows.md).")
        ) { first, _ in first }
        root["$defs"] = .object(defs)
        return .object(root)
    }

    static func describe(_ spec: ShapeSpec) -> String {
        spec.help.isEmpty ? spec.summary : "\(spec.summary) \(spec.help)"
    }
}

/// Turns specs into JSON Schema objects.
struct SchemaBuilder {
    func object(_ spec: ObjectSpec, description: String?) -> JSON.Object {
        var schema: JSON.Object = ["type": "object"]
        if let description { schema["description"] = .string(description) }
        schema["properties"] = .object(properties(spec))
        let required = spec.fields.filter(\.required).map { JSON.string($0.name) }
        if !required.isEmpty { schema["required"] = .array(required) }
        schema["additionalProperties"] = false
        let rules = spec.rules.compactMap { rule($0, in: spec) }
        if !rules.isEmpty { schema["allOf"] = .array(rules) }
        return schema
    }

    func properties(_ spec: ObjectSpec) -> JSON.Object {
        var properties: JSON.Object = [:]
        for field in spec.fields {
            var property = kind(field.kind)
            property["description"] = .string(field.help)
            if let fallback = field.defaultValue { property["default"] = fallback }
            if field.required, case .text = field.kind { property["minLength"] = 1 }
            properties[field.name] = .object(property)
        }
        for key in spec.refusedKeys { properties[key] = false }
        return properties
    }

    func kind(_ kind: FieldKind) -> JSON.Object {
        switch kind {
        case .text(let textKind, let rules):
            var schema: JSON.Object = ["type": "string"]
            if let pattern = rules.pattern { schema["pattern"] = .string(pattern) }
            if rules.nonEmpty { schema["minLength"] = 1 }
            if let syntax = rules.syntax { schema["$comment"] = .string("\(textKind.rawValue): \(syntax)") }
            return schema
        case .integer(let range):
            return ["type": "integer", "minimum": .int(range.lowerBound), "maximum": .int(range.upperBound)]
        case .number:
            return ["type": "number"]
        case .boolean:
            return ["type": "boolean"]
        case .choice(let choices):
            return ["type": "string", "enum": .array(choices.flatMap { [$0.value] + $0.aliases }.map(JSON.string))]
        case .duration(let bounds):
            var number: JSON.Object = ["type": "number"]
            if bounds.moreThanZero { number["exclusiveMinimum"] = 0 } else { number["minimum"] = 0 }
            if let maximum = bounds.maximum { number["maximum"] = .number(Double(maximum.components.seconds)) }
            return ["anyOf": [.object(number), ["type": "string", "pattern": .string(DurationText.pattern)]]]
        case .byteSize(let minimum):
            return [
                "anyOf": [
                    ["type": "integer", "minimum": .int(minimum), "maximum": .int(ByteSizeText.maximum)],
                    ["type": "string", "pattern": .string(ByteSizeText.pattern)],
                ]
            ]
        case .json(let types):
            if types == .any { return [:] }
            let names = types.schemaNames
            return ["type": names.count == 1 ? .string(names[0]) : .array(names.map(JSON.string))]
        case .list(let item, let rules):
            var schema: JSON.Object = ["type": "array", "items": .object(self.kind(item))]
            if rules.minimum > 0 { schema["minItems"] = .int(rules.minimum) }
            return schema
        case .object(let spec):
            return object(spec, description: nil)
        case .dictionary(let spec):
            var schema: JSON.Object = ["type": "object", "additionalProperties": .object(self.kind(spec.value))]
            var names: JSON.Object = ["minLength": 1]
            if let pattern = spec.keys.pattern { names["pattern"] = .string(pattern) }
            schema["propertyNames"] = .object(names)
            if spec.minimum > 0 { schema["minProperties"] = .int(spec.minimum) }
            return schema
        case .variants(let variants):
            return self.variants(variants)
        case .anyOf(let kinds, _):
            return ["anyOf": .array(kinds.map { .object(self.kind($0)) })]
        case .shapes(let rules):
            var schema: JSON.Object = ["type": "array", "items": ["$ref": "#/$defs/shape"]]
            if rules.minimum > 0 { schema["minItems"] = .int(rules.minimum) }
            return schema
        case .external:
            return [:]
        }
    }

    /// `{type: page, …}`: the picking key's values, then one `if`/`then` per case holding that
    /// case's settings (so an editor reports a setting of another case as not allowed).
    func variants(_ variants: Variants) -> JSON.Object {
        let values = JSON.array(variants.cases.map { .string($0.value) })
        var object: JSON.Object = [
            "type": "object",
            "properties": [variants.key: ["type": "string", "enum": values]],
            "required": [.string(variants.key)],
        ]
        object["allOf"] = .array(
            variants.cases.map { variant in
                let spec = variant.settings.prepending(FieldSpec(variants.key, .choice([Choice(variant.value)]), required: true, help: variant.help))
                return [
                    "if": ["properties": [variants.key: ["const": .string(variant.value)]], "required": [.string(variants.key)]],
                    "then": .object(self.object(spec, description: nil)),
                ]
            })
        guard variants.shorthand else { return object }
        let bare = variants.cases.filter { !$0.settings.fields.contains(where: \.required) }.map { JSON.string($0.value) }
        return ["anyOf": [["type": "string", "enum": .array(bare)], .object(object)]]
    }

    func rule(_ rule: SpecRule, in spec: ObjectSpec) -> JSON? {
        func required(_ keys: [String]) -> JSON { ["required": .array(keys.map(JSON.string))] }
        switch rule {
        case .exactlyOne(let keys, _, _):
            return ["oneOf": .array(keys.map { required([$0]) })]
        case .atMostOne(let keys, _):
            let pairs = keys.enumerated().flatMap { index, first in keys.dropFirst(index + 1).map { required([first, $0]) } }
            return ["not": ["anyOf": .array(pairs)]]
        case .atLeastOne(let keys, _):
            return ["anyOf": .array(keys.map { required([$0]) })]
        case .onlyWhen(let key, let condition, _):
            return ["if": required([key]), "then": self.condition(condition, in: spec)]
        case .requiredWhen(let key, let condition, _):
            return ["if": self.condition(condition, in: spec), "then": required([key])]
        case .refused, .check:
            return nil
        }
    }

    /// A condition as a schema that holds exactly when the condition does; a key not written
    /// counts as its default, as in validation.
    func condition(_ condition: SpecCondition, in spec: ObjectSpec) -> JSON {
        switch condition {
        case .equals(let key, let value):
            return test(key, in: spec, ["const": value], holdsWhenAbsent: { $0 == value })
        case .oneOf(let key, let values):
            return test(key, in: spec, ["enum": .array(values)], holdsWhenAbsent: { values.contains($0) })
        case .present(let key):
            return test(key, in: spec, nil, holdsWhenAbsent: { _ in false })
        case .not(let inner):
            return ["not": self.condition(inner, in: spec)]
        case .all(let conditions):
            return ["allOf": .array(conditions.map { self.condition($0, in: spec) })]
        }
    }

    /// `{properties: {key: schema}, required: [key]}`, nested for a dotted key; `required` is left
    /// out where the field's default satisfies the test.
    private func test(_ key: String, in spec: ObjectSpec, _ schema: JSON?, holdsWhenAbsent: (JSON) -> Bool) -> JSON {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        let field = spec.field(parts[0])
        var result: JSON.Object = [:]
        if parts.count == 2 {
            let nested: ObjectSpec
            switch field?.kind {
            case .object(let inner)?: nested = inner
            case .variants(let variants)?:
                nested = ObjectSpec([FieldSpec(variants.key, .choice(variants.cases.map { Choice($0.value) }), required: true, help: "")])
            default: nested = ObjectSpec([])
            }
            result["properties"] = .object([parts[0]: test(parts[1], in: nested, schema, holdsWhenAbsent: holdsWhenAbsent)])
            result["required"] = [.string(parts[0])]
            return .object(result)
        }
        if let schema { result["properties"] = .object([key: schema]) }
        if !(field?.defaultValue.map(holdsWhenAbsent) ?? false) { result["required"] = [.string(key)] }
        return .object(result)
    }
}
