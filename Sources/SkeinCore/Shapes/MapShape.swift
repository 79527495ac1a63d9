import SkeinJSON

/// `map`: builds a new document for each JSON payload from field rules, target path → source.
///
/// ```yaml
/// map:
///   fields:
///     order_number: id                 # copy a field (a path into the payload)
///     customer.email: billing.email    # nested targets are created as needed
///     currency: { value: GBP }         # a constant
///     note: { path: notes, default: "" }
///   keep_unmapped: false               # true: start from a copy of the input
/// ```
/// A rule whose source is missing and has no default leaves the target out.
public struct MapShape: ShapeKind {
    public init() {}
    public var type: String { "map" }
    public var summary: String { "Map fields of each JSON payload to a new document." }

    struct Rule: Sendable {
        enum Source: Sendable {
            case path(FieldPath, default: JSON?)
            case constant(JSON)
        }
        let target: FieldPath
        let source: Source
    }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let keepUnmapped = settings.bool("keep_unmapped") ?? false
        var rules: [Rule] = []
        if let fields = settings.object("fields", required: true) {
            for (target, source) in fields.members {
                let path = fields.childPath(target)
                _ = fields.raw(target)
                guard let targetPath = try? FieldPath(target) else {
                    settings.problems.add(path, "'\(target)' is not a valid target path")
                    continue
                }
                switch source {
                case .string(let text):
                    do { rules.append(Rule(target: targetPath, source: .path(try FieldPath(text), default: nil))) } catch {
                        settings.problems.add(path, error.message)
                    }
                case .object:
                    guard let rule = SettingsReader(source, path: path, problems: settings.problems) else { continue }
                    let value = rule.raw("value")
                    let sourcePath = rule.fieldPath("path")
                    let fallback = rule.raw("default")
                    rule.finish()
                    if let value, sourcePath == nil { rules.append(Rule(target: targetPath, source: .constant(value))) }
                    else if let sourcePath, value == nil { rules.append(Rule(target: targetPath, source: .path(sourcePath, default: fallback))) }
                    else if value == nil && sourcePath == nil && rule.members["value"] == .null { rules.append(Rule(target: targetPath, source: .constant(.null))) }
                    else { settings.problems.add(path, "give either path: or value:") }
                default:
                    settings.problems.add(path, "expected a source path or {path:, default:} or {value:}, found \(source.typeName)")
                }
            }
            if fields.members.isEmpty { settings.report("fields", "needs at least one field rule") }
        }
        settings.finish()
        return settings.problems.isEmpty ? Executor(rules: rules, keepUnmapped: keepUnmapped) : nil
    }

    struct Executor: ShapeExecutor {
        let rules: [Rule]
        let keepUnmapped: Bool

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            var outputs: [Payload] = []
            outputs.reserveCapacity(input.count)
            for (index, payload) in input.enumerated() {
                let document: JSON
                do { document = try payload.json() } catch {
                    throw ShapeFailure("payload \(index): \(error)")
                }
                outputs.append(Payload(json: map(document)))
            }
            return ShapeResult(outputs: outputs)
        }

        func map(_ document: JSON) -> JSON {
            var result: JSON = keepUnmapped ? document : .object([:])
            for rule in rules {
                switch rule.source {
                case .constant(let value): rule.target.set(value, in: &result)
                case .path(let path, let fallback):
                    if let value = path.value(in: document) ?? fallback { rule.target.set(value, in: &result) }
                }
            }
            return result
        }
    }
}
