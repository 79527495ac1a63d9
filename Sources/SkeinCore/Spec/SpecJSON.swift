public import SkeinJSON

/// The specs as JSON, for programs that draw forms or generate code from them (the browser's
/// flow builder, `skein flow schema --specs`, `GET /api/v1/schemas/shapes`).
///
/// Each field says its `kind` — `string`, `expression`, `template`, `secret`, `field-path`,
/// `cron`, `instance-ref`, `pool-ref`, `cache-ref`, `flow-ref`, `step-ref`, `env-var`,
/// `integer` (with `minimum`/`maximum`), `number`, `boolean`, `enum` (with `values`),
/// `duration`, `size`, `json`, `list` (with `items`), `object` (with `fields`), `map` (with
/// `values`), `variants` (with `key` and `cases`), `any-of` (with `options`), `shapes` or
/// `external` — with its `help`, whether it is `required` and its `default`. Rules across fields
/// come as `rules`, each with the message validation reports.
public enum SpecJSON {
    /// Bumped when the format changes in a way a reader must know.
    public static let version = 1

    public static func document(catalog: ShapeCatalog) -> JSON {
        [
            "version": .int(version),
            "flow": object(FlowSpec.document),
            "shape_entry": object(FlowSpec.shapeEntry),
            "shapes": .array(catalog.specs.map(shape)),
            "instances": .array(catalog.instanceSpecs.map(instance)),
        ]
    }

    public static func instance(_ spec: InstanceSpec) -> JSON {
        [
            "type": .string(spec.type), "summary": .string(spec.summary), "address": .string(spec.address),
            "settings": object(spec.settings), "credentials": .array(spec.credentials.map(field)),
        ]
    }

    public static func shape(_ spec: ShapeSpec) -> JSON {
        var result: JSON.Object = ["type": .string(spec.type), "category": .string(spec.category.rawValue), "summary": .string(spec.summary)]
        if !spec.help.isEmpty { result["help"] = .string(spec.help) }
        if let example = spec.example { result["example"] = .string(example) }
        if spec.touchesNoSystem { result["touches_no_system"] = true }
        result["settings"] = object(spec.settings)
        return .object(result)
    }

    public static func object(_ spec: ObjectSpec) -> JSON {
        var result: JSON.Object = ["fields": .array(spec.fields.map(field))]
        if !spec.rules.isEmpty { result["rules"] = .array(spec.rules.map(rule)) }
        return .object(result)
    }

    public static func field(_ field: FieldSpec) -> JSON {
        var result: JSON.Object = ["name": .string(field.name)]
        result.merge(kind(field.kind)) { first, _ in first }
        result["help"] = .string(field.help)
        result["required"] = .bool(field.required)
        if let fallback = field.defaultValue { result["default"] = fallback }
        return .object(result)
    }

    public static func kind(_ kind: FieldKind) -> JSON.Object {
        switch kind {
        case .text(let textKind, let rules):
            var result: JSON.Object = ["kind": .string(textKind.rawValue)]
            if let pattern = rules.pattern { result["pattern"] = .string(pattern) }
            if rules.nonEmpty { result["non_empty"] = true }
            if let syntax = rules.syntax { result["syntax"] = .string(syntax) }
            if rules.check != nil { result["checked_in_code"] = true }
            return result
        case .integer(let range):
            return ["kind": "integer", "minimum": .int(range.lowerBound), "maximum": .int(range.upperBound)]
        case .number:
            return ["kind": "number"]
        case .boolean:
            return ["kind": "boolean"]
        case .choice(let choices):
            return [
                "kind": "enum",
                "values": .array(
                    choices.map { choice in
                        var value: JSON.Object = ["value": .string(choice.value)]
                        if !choice.help.isEmpty { value["help"] = .string(choice.help) }
                        if !choice.aliases.isEmpty { value["aliases"] = .array(choice.aliases.map(JSON.string)) }
                        return .object(value)
                    }),
            ]
        case .duration(let bounds):
            var result: JSON.Object = ["kind": "duration"]
            if bounds.moreThanZero { result["more_than_zero"] = true }
            if let maximum = bounds.maximum { result["maximum"] = .duration(maximum) }
            return result
        case .byteSize(let minimum):
            return ["kind": "size", "minimum": .int(minimum)]
        case .json(let types):
            return ["kind": "json", "types": .array(types.schemaNames.map(JSON.string))]
        case .list(let item, let rules):
            var result: JSON.Object = ["kind": "list", "items": .object(self.kind(item))]
            if rules.minimum > 0 { result["minimum"] = .int(rules.minimum) }
            return result
        case .object(let spec):
            var result: JSON.Object = ["kind": "object"]
            result.merge(object(spec).objectValue ?? [:]) { first, _ in first }
            return result
        case .dictionary(let spec):
            var keys: JSON.Object = ["name": .string(spec.keyName)]
            if let pattern = spec.keys.pattern { keys["pattern"] = .string(pattern) }
            var result: JSON.Object = ["kind": "map", "keys": .object(keys), "values": .object(self.kind(spec.value))]
            if spec.minimum > 0 { result["minimum"] = .int(spec.minimum) }
            return result
        case .variants(let variants):
            return [
                "kind": "variants", "key": .string(variants.key), "shorthand": .bool(variants.shorthand),
                "cases": .array(
                    variants.cases.map { variant -> JSON in
                        var result: JSON.Object = ["value": .string(variant.value), "help": .string(variant.help)]
                        result.merge(object(variant.settings).objectValue ?? [:]) { first, _ in first }
                        return .object(result)
                    }),
            ]
        case .anyOf(let kinds, _):
            return ["kind": "any-of", "options": .array(kinds.map { .object(self.kind($0)) })]
        case .shapes(let rules):
            var result: JSON.Object = ["kind": "shapes"]
            if rules.minimum > 0 { result["minimum"] = .int(rules.minimum) }
            return result
        case .external(let name):
            return ["kind": "external", "name": .string(name)]
        }
    }

    static func rule(_ rule: SpecRule) -> JSON {
        func keys(_ keys: [String]) -> JSON { .array(keys.map(JSON.string)) }
        switch rule {
        case .exactlyOne(let names, let none, let several):
            return ["rule": "exactly-one", "keys": keys(names), "when_none": .string(none.text), "when_several": .string(several.text)]
        case .atMostOne(let names, let several):
            return ["rule": "at-most-one", "keys": keys(names), "when_several": .string(several.text)]
        case .atLeastOne(let names, let none):
            return ["rule": "at-least-one", "keys": keys(names), "when_none": .string(none.text)]
        case .onlyWhen(let key, let condition, let message):
            return ["rule": "only-when", "key": .string(key), "condition": self.condition(condition), "message": .string(message)]
        case .requiredWhen(let key, let condition, let message):
            return ["rule": "required-when", "key": .string(key), "condition": self.condition(condition), "message": .string(message)]
        case .refused(let key, let message):
            return ["rule": "refused", "key": .string(key), "message": .string(message)]
        case .check(let check):
            return ["rule": "check", "summary": .string(check.summary)]
        }
    }

    static func condition(_ condition: SpecCondition) -> JSON {
        switch condition {
        case .equals(let key, let value): ["equals": ["key": .string(key), "value": value]]
        case .oneOf(let key, let values): ["one_of": ["key": .string(key), "values": .array(values)]]
        case .present(let key): ["present": .string(key)]
        case .not(let inner): ["not": self.condition(inner)]
        case .all(let conditions): ["all": .array(conditions.map(self.condition))]
        }
    }
}
