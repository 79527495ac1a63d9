import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import Testing

/// Every shape type this build knows, checked through its spec: examples that read, defaults
/// that pass their own checks, rules that name real settings, hostile values that never stop the
/// process, and the generated docs and schema that are checked in.
@Suite struct ShapeSpecTests {
    let catalog = SkeinEnvironment.specCatalog()

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shape entry of a spec's example, as JSON.
    func example(_ spec: ShapeSpec) throws -> JSON {
        let example = try #require(spec.example, "\(spec.type) has no example")
        let document = try FlowFile.document(from: "id: example\nshapes:\n" + example.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n"))
        return try #require(document["shapes"]?[0])
    }

    @Test func everyShapeTypeHasASpecWithAnExampleThatReadsAsAFlow() throws {
        let types = catalog.specs.map(\.type)
        #expect(Set(types) == Set(catalog.types + ShapeStructure.types))
        for spec in catalog.specs {
            let entry = try example(spec)
            #expect(entry[spec.type] != nil, "\(spec.type)'s example is not a \(spec.type) shape")
            do { _ = try FlowDecoder(catalog: catalog).decode(["id": "example", "shapes": [entry]]) } catch {
                Issue.record("the example of \(spec.type) does not validate: \(error)")
            }
        }
    }

    @Test func everyDefaultPassesItsOwnChecksAndEveryRuleNamesASetting() {
        func check(_ spec: ObjectSpec, at path: String) {
            for field in spec.fields {
                if let fallback = field.defaultValue {
                    let problems = ProblemList()
                    _ = SpecValidator(problems: problems).validate(fallback, field.kind, path: "\(path).\(field.name)", setting: "")
                    #expect(problems.problems == [], "the default of \(path).\(field.name) does not pass its own checks")
                }
                nested(field.kind, at: "\(path).\(field.name)")
            }
            func names(_ key: String) -> Bool {
                guard let first = key.split(separator: ".", maxSplits: 1).first else { return true }  // "": the object itself
                return spec.field(String(first)) != nil
            }
            func keys(_ condition: SpecCondition) -> [String] {
                switch condition {
                case .equals(let key, _), .oneOf(let key, _), .present(let key): [key]
                case .not(let inner): keys(inner)
                case .all(let conditions): conditions.flatMap(keys)
                }
            }
            for rule in spec.rules {
                var named: [String] = []
                switch rule {
                case .exactlyOne(let list, let none, let several): named = list + [none.key, several.key]
                case .atMostOne(let list, let several): named = list + [several.key]
                case .atLeastOne(let list, let none): named = list + [none.key]
                case .onlyWhen(let key, let condition, _), .requiredWhen(let key, let condition, _): named = [key] + keys(condition)
                case .refused, .check: named = []
                }
                for key in named { #expect(names(key), "a rule at \(path) names '\(key)', which is not a setting there") }
            }
        }
        func nested(_ kind: FieldKind, at path: String) {
            switch kind {
            case .object(let spec): check(spec, at: path)
            case .list(let item, _): nested(item, at: "\(path)[]")
            case .dictionary(let spec): nested(spec.value, at: "\(path).<key>")
            case .anyOf(let kinds, _): kinds.forEach { nested($0, at: path) }
            case .variants(let variants): variants.cases.forEach { check($0.settings, at: "\(path)(\($0.value))") }
            default: break
            }
        }
        check(FlowSpec.document, at: "flow")
        check(FlowSpec.shapeEntry, at: "shape")
        for spec in catalog.specs { check(spec.settings, at: spec.type) }
        for spec in catalog.instanceSpecs { check(spec.settings, at: "\(spec.type) instance") }
    }

    /// Every setting of every shape (and of the objects inside it) set to values of every wrong
    /// kind: reading the flow reports problems at the shape, or accepts it — and never stops.
    @Test func hostileValuesInAnySettingAreProblemsNeverACrash() throws {
        let hostile: [JSON] = [.null, "", "x", "{{", "$count(", 0, -1, 1.5, 1e300, true, [], [1], [:], ["a": 1], "inf", "1e300s", "-5m"]
        var decoded = 0
        for spec in catalog.specs {
            let entry = try example(spec)
            for path in settingPaths(spec.settings) {
                for value in hostile {
                    var mutated = entry
                    set(value, at: [spec.type] + path, in: &mutated)
                    decoded += 1
                    do { _ = try FlowDecoder(catalog: catalog).decode(["id": "hostile", "shapes": [mutated]]) } catch {
                        #expect(error.problems.allSatisfy { $0.path.hasPrefix("shapes[0]") }, "\(spec.type).\(path): \(error.problems)")
                    }
                }
            }
        }
        #expect(decoded > 1000)
    }

    /// The keys of an object spec and of the objects nested in it (one level into lists and variants too).
    func settingPaths(_ spec: ObjectSpec, depth: Int = 0) -> [[String]] {
        spec.fields.flatMap { field -> [[String]] in
            var paths = [[field.name]]
            guard depth < 2 else { return paths }
            switch field.kind {
            case .object(let inner): paths += settingPaths(inner, depth: depth + 1).map { [field.name] + $0 }
            case .variants(let variants):
                paths += variants.cases.flatMap { settingPaths($0.settings, depth: depth + 1) }.map { [field.name] + $0 }
            default: break
            }
            return paths
        }
    }

    func set(_ value: JSON, at path: [String], in document: inout JSON) {
        guard let key = path.first, case .object(var members) = document else { return }
        if path.count == 1 {
            members[key] = value
        } else {
            var child = members[key] ?? .object([:])
            if case .object = child {} else { child = .object([:]) }
            set(value, at: Array(path.dropFirst()), in: &child)
            members[key] = child
        }
        document = .object(members)
    }

    @Test func theCheckedInShapeReferenceIsWhatTheSpecsGive() throws {
        let file = ShapeSpecTests.repository.appendingPathComponent("docs/shapes.md")
        let text = try String(contentsOf: file, encoding: .utf8)
        let expected = try #require(
            ShapeReference.replacing(in: text, with: ShapeReference.markdown(catalog: catalog)),
            "docs/shapes.md has lost its generated-section markers")
        #expect(text == expected, "docs/shapes.md is stale: regenerate it with `\(ShapeReference.regenerate)`")
    }

    @Test func theCheckedInJSONSchemaIsWhatTheSpecsGive() throws {
        let file = ShapeSpecTests.repository.appendingPathComponent("docs/flow.schema.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(
            text == FlowSchema.document(catalog: catalog).serialized(.pretty) + "\n",
            "docs/flow.schema.json is stale: regenerate it with `skein flow schema --update docs/flow.schema.json`")
    }

    @Test func theSchemaDescribesEveryShapeTypeAndTheSpecJSONEveryField() throws {
        let schema = FlowSchema.document(catalog: catalog)
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        let definitions = try #require(schema["$defs"]?.objectValue)
        for spec in catalog.specs {
            #expect(definitions[spec.type]?["additionalProperties"] == false, "\(spec.type)")
            #expect(definitions["shape"]?["properties"]?[spec.type]?["$ref"] == .string("#/$defs/\(spec.type)"))
        }
        let specs = SpecJSON.document(catalog: catalog)
        let dedupe = try #require(specs["shapes"]?.arrayValue?.first { $0["type"] == "dedupe" })
        let mode = try #require(dedupe["settings"]?["fields"]?.arrayValue?.first { $0["name"] == "mode" })
        #expect(mode["kind"] == "enum")
        #expect(mode["default"] == "filter_and_track")
        #expect(mode["values"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == ["filter", "track", "filter_and_track"])
        let pool = try #require(dedupe["settings"]?["fields"]?.arrayValue?.first { $0["name"] == "pool" })
        #expect(pool["kind"] == "pool-ref" && pool["required"] == true)
        // Instance types say what their forms need: settings (with auth as variants) and secret credentials.
        let instances = try #require(specs["instances"]?.arrayValue)
        #expect(instances.compactMap { $0["type"]?.stringValue } == ["database", "http", "sftp", "smtp"])
        let http = try #require(instances.first { $0["type"] == "http" })
        let auth = try #require(http["settings"]?["fields"]?.arrayValue?.first { $0["name"] == "auth" })
        #expect(auth["kind"] == "variants" && auth["shorthand"] == true)
        #expect(http["credentials"]?.arrayValue?.allSatisfy { $0["kind"] == "secret" } == true)
    }
}
