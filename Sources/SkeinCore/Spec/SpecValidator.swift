public import SkeinJSON

/// What validation needs from its caller besides the spec.
public struct SpecContext: Sendable {
    /// Reads a list of shape entries at a path (the flow decoder's own reader, which checks
    /// every shape and keeps ids unique across the tree). Without it, `.shapes` lists are
    /// refused: only a flow has shapes.
    public var readShapes: (@Sendable (_ entries: [JSON], _ path: String) -> [ShapeDefinition])?
    /// What `.external(name)` kinds mean here.
    public var externalKinds: [String: FieldKind]

    public init(readShapes: (@Sendable ([JSON], String) -> [ShapeDefinition])? = nil, externalKinds: [String: FieldKind] = [:]) {
        self.readShapes = readShapes
        self.externalKinds = externalKinds
    }
}

/// Checks settings against their spec and returns what passed (`ValidSettings`), recording
/// every problem with its path: `shapes[2].dedupe.mode: 'sometimes' is not one of filter,
/// track, filter_and_track`.
///
/// It checks types, required fields, allowed values, ranges, durations, sizes, patterns,
/// nested objects, lists and dictionaries, compiles JSONata expressions, applies the spec's
/// rules across fields and reports unknown keys — all problems at once, never just the first.
public struct SpecValidator: Sendable {
    public let problems: ProblemList
    public let context: SpecContext

    public init(problems: ProblemList, context: SpecContext = SpecContext()) {
        self.problems = problems
        self.context = context
    }

    /// Checks `value` (an object, or nothing when `allowMissing`) against `spec`.
    /// - Parameters:
    ///   - path: where the object is in the file, for problems (`shapes[2].split`).
    ///   - setting: its name relative to its shape (`split`), which names expressions in run-time errors.
    public func object(_ value: JSON?, _ spec: ObjectSpec, path: String, setting: String, allowMissing: Bool = true) -> ValidSettings? {
        switch value {
        case .object(let written)?:
            return self.members(written, spec, path: path, setting: setting)
        case nil where allowMissing, .null? where allowMissing:
            return self.members([:], spec, path: path, setting: setting)
        case let other:
            problems.add(path, "expected an object of settings, found \(other?.typeName ?? "nothing")")
            return nil
        }
    }

    /// Checks the members of an object against `spec`; keys in `otherKeys` are someone else's
    /// to check (a shape entry's type key) and are not reported as unknown.
    public func members(_ written: JSON.Object, _ spec: ObjectSpec, path: String, setting: String, otherKeys: Set<String> = []) -> ValidSettings {
        // `key: null` for a setting that takes no null means "not written" (its default applies), to rules too.
        let members =
            written.values.contains(.null)
            ? written.filter { key, value in value != .null || spec.field(key).map { $0.kind.acceptsNull } ?? true }
            : written
        var values: [String: SpecValue] = [:]
        var troubled: Set<String> = []
        for field in spec.fields {
            let before = problems.problems.count
            var fieldPath: String { SpecPath.join(path, field.name) }
            var fieldSetting: String { SpecPath.join(setting, field.name) }
            if let written = members[field.name] {
                if let value = validate(written, field.kind, path: fieldPath, setting: fieldSetting, required: field.required) {
                    values[field.name] = value
                }
            } else if field.required {
                problems.add(fieldPath, "required field is missing")
            } else if let fallback = field.defaultValue {
                // Defaults pass their own checks (a test holds every spec to that), so a plain
                // value is taken as written; expressions are compiled, objects and lists read.
                switch field.kind {
                case .text(.expression, _), .object, .list, .dictionary, .variants, .anyOf, .shapes, .external:
                    let scratch = SpecValidator(problems: ProblemList(), context: context)
                    values[field.name] = scratch.validate(fallback, field.kind, path: fieldPath, setting: fieldSetting) ?? .json(fallback)
                case .text, .integer, .number, .boolean, .choice, .duration, .byteSize, .json:
                    values[field.name] = .json(fallback)
                }
            }
            if problems.problems.count > before { troubled.insert(field.name) }
        }
        let settings = ValidSettings(
            path: path, setting: setting, problems: problems, spec: spec, values: values, written: members,
            troubled: troubled)
        apply(spec.rules, to: settings)
        let refused = spec.refusedKeys
        for key in members.keys where spec.field(key) == nil && !refused.contains(key) && !otherKeys.contains(key) {
            problems.add(SpecPath.join(path, key), "unknown field '\(key)'")
        }
        return settings
    }

    func apply(_ rules: [SpecRule], to settings: ValidSettings) {
        var reported = settings.troubled
        func report(_ key: String, _ message: String) {
            settings.report(key, message)
            reported.insert(key)
        }
        for rule in rules {
            switch rule {
            case .exactlyOne(let keys, let none, let several):
                let given = keys.filter(settings.has)
                if given.isEmpty { report(none.key, none.text) }
                if given.count > 1 { report(several.key, several.text.replacingAll("{given}", with: given.joined(separator: ", "))) }
            case .atMostOne(let keys, let several):
                let given = keys.filter(settings.has)
                if given.count > 1 { report(several.key, several.text.replacingAll("{given}", with: given.joined(separator: ", "))) }
            case .atLeastOne(let keys, let none):
                if !keys.contains(where: settings.has) { report(none.key, none.text) }
            case .onlyWhen(let key, let condition, let message):
                if settings.has(key), !reported.contains(key), condition.holds(in: settings) == false { report(key, message) }
            case .requiredWhen(let key, let condition, let message):
                if !settings.has(key), !reported.contains(key), condition.holds(in: settings) == true { report(key, message) }
            case .refused(let key, let message):
                if settings.has(key) { report(key, message) }
            case .check(let check):
                check.run(settings)
            }
        }
    }

    /// Checks one written value against `kind`; nil (with problems recorded) when it does not pass.
    public func validate(_ value: JSON, _ kind: FieldKind, path: String, setting: String, required: Bool = false) -> SpecValue? {
        func fail(_ message: String) -> SpecValue? {
            problems.add(path, message)
            return nil
        }
        switch kind {
        case .text(let textKind, let rules):
            guard case .string(let text) = value else { return fail("expected a string, found \(value.typeName)") }
            return self.text(text, textKind, rules, path: path, setting: setting, required: required)
        case .integer(let range):
            guard case .number(let number) = value, number == number.rounded(), abs(number) < 9e15 else {
                return fail("expected a whole number, found \(value.serialized())")
            }
            let int = Int(number)
            guard range.contains(int) else { return fail("\(int) is outside \(range.lowerBound)...\(range.upperBound)") }
            return .json(.number(Double(int)))
        case .number:
            guard case .number = value else { return fail("expected a number, found \(value.typeName)") }
            return .json(value)
        case .boolean:
            guard case .bool = value else { return fail("expected true or false, found \(value.typeName)") }
            return .json(value)
        case .choice(let choices):
            guard case .string(let text) = value else { return fail("expected a string, found \(value.typeName)") }
            guard choices.contains(where: { $0.accepts(text) }) else {
                return fail("'\(text)' is not one of \(choices.map(\.value).joined(separator: ", "))")
            }
            return .json(value)
        case .duration(let bounds):
            guard let duration = DurationText.parse(value) else {
                return fail("expected a duration such as 500ms, 2s, 5m or 1h, found \(value.serialized())")
            }
            if let problem = bounds.problem(duration) { return fail(problem) }
            return .json(value)
        case .byteSize(let minimum):
            guard let bytes = ByteSizeText.parse(value), bytes >= minimum else {
                return fail(
                    "expected a size of at least \(ByteSizeText.format(minimum).replacingAll(" ", with: "")) such as 256MB or 2GB, found \(value.serialized())")
            }
            return .json(value)
        case .json(let types):
            guard types.contains(value) else { return fail("expected \(kind.noun), found \(value.typeName)") }
            return .json(value)
        case .list(let item, let rules):
            guard case .array(let elements) = value else { return fail("expected a list, found \(value.typeName)") }
            if elements.count < rules.minimum { problems.add(path, rules.tooFew ?? "give at least \(rules.minimum)") }
            var items: [SpecValue] = []
            for (index, element) in elements.enumerated() {
                let elementPath = "\(path)[\(index)]"
                if element == .null && !item.acceptsNull {
                    problems.add(elementPath, "expected \(item.noun), found null")
                } else if let validated = validate(element, item, path: elementPath, setting: setting) {
                    items.append(validated)
                }
            }
            return .list(items)
        case .object(let spec):
            return object(value, spec, path: path, setting: setting, allowMissing: false).map(SpecValue.object)
        case .dictionary(let dictionary):
            return self.dictionary(value, dictionary, path: path, setting: setting)
        case .variants(let variants):
            return self.variants(value, variants, path: path, setting: setting)
        case .anyOf(let kinds, let mismatch):
            let candidates = kinds.filter { $0.accepts(value) }
            guard let last = candidates.last else {
                let message = mismatch ?? "expected \(kinds.map(\.noun).joined(separator: " or ")), found {found}"
                return fail(message.replacingAll("{found}", with: value.typeName))
            }
            for candidate in candidates.dropLast() {
                let scratch = SpecValidator(problems: ProblemList(), context: context)
                if let validated = scratch.validate(value, candidate, path: path, setting: setting, required: required), scratch.problems.isEmpty {
                    return validated
                }
            }
            return validate(value, last, path: path, setting: setting, required: required)
        case .shapes(let rules):
            guard case .array(let elements) = value else { return fail("expected a list, found \(value.typeName)") }
            if elements.count < rules.minimum { problems.add(path, rules.tooFew ?? "give at least \(rules.minimum)") }
            guard let readShapes = context.readShapes else { return fail("shapes can only be read as part of a flow") }
            return .shapes(readShapes(elements, path))
        case .external(let name):
            guard let resolved = context.externalKinds[name] else { return .json(value) }
            return validate(value, resolved, path: path, setting: setting, required: required)
        }
    }

    func text(_ text: String, _ kind: TextKind, _ rules: TextRules, path: String, setting: String, required: Bool) -> SpecValue? {
        func fail(_ message: String) -> SpecValue? {
            problems.add(path, message)
            return nil
        }
        if (required || rules.nonEmpty) && text.isEmpty { return fail("must not be empty") }
        if let pattern = rules.pattern, !SpecPattern.matches(text, pattern) {
            return fail((rules.patternMessage ?? "'{value}' does not match \(pattern)").replacingAll("{value}", with: text))
        }
        if let problem = rules.check?.run(text) { return fail(problem) }
        switch kind {
        case .expression:
            return ShapeExpression.compile(text, path: path, setting: setting, problems: problems).map(SpecValue.expression)
        case .fieldPath:
            do { _ = try FieldPath(text) } catch { return fail(error.message) }
        case .cron:
            do { _ = try CronSchedule(text) } catch { return fail("invalid cron expression '\(text)': \(error.message)") }
        case .template where rules.check == nil:
            if (try? PlaceholderText.split(text)) == nil { return fail("'{{' without a closing '}}' in '\(text)'") }
        default:
            break
        }
        return .json(.string(text))
    }

    func dictionary(_ value: JSON, _ spec: DictionarySpec, path: String, setting: String) -> SpecValue? {
        guard case .object(let members) = value else {
            problems.add(path, "expected an object of names to values, found \(value.typeName)")
            return nil
        }
        if members.count < spec.minimum { problems.add(path, spec.tooFew ?? "give at least \(spec.minimum)") }
        var entries: [SpecValue.Entry] = []
        for (key, member) in members {
            let keyPath = SpecPath.join(path, key)
            guard text(key, .string, spec.keys, path: keyPath, setting: setting, required: true) != nil else { continue }
            if member == .null && !spec.value.acceptsNull {
                problems.add(keyPath, "expected \(spec.value.noun), found null")
            } else if let validated = validate(member, spec.value, path: keyPath, setting: SpecPath.join(setting, key)) {
                entries.append(SpecValue.Entry(key: key, value: validated))
            }
        }
        return .entries(entries)
    }

    func variants(_ value: JSON, _ variants: Variants, path: String, setting: String) -> SpecValue? {
        var members: JSON.Object
        switch value {
        case .object(let written): members = written
        case .string(let name) where variants.shorthand: members = [variants.key: .string(name)]
        default:
            problems.add(path, "expected an object of settings, found \(value.typeName)")
            return nil
        }
        let keyPath = SpecPath.join(path, variants.key)
        let chosen: Variant
        switch members[variants.key] {
        case nil, .null?:
            problems.add(keyPath, "required field is missing")
            return nil
        case .string(let name)?:
            guard let variant = variants.variant(name) else {
                // `auth: kerberos` is reported where it is written; `{type: kerberos}` at its type.
                let written: String = if case .string = value { path } else { keyPath }
                problems.add(written, "'\(name)' is not one of \(variants.cases.map(\.value).joined(separator: ", "))")
                return nil
            }
            chosen = variant
        case let other?:
            problems.add(keyPath, "expected a string, found \(other.typeName)")
            return nil
        }
        let spec = chosen.settings.prepending(
            FieldSpec(
                variants.key, .choice(variants.cases.map { Choice($0.value, help: $0.help) }),
                required: true, help: "Which kind this is."))
        if case .string = value { members = [variants.key: members[variants.key]!] }
        return .object(self.members(members, spec, path: path, setting: setting))
    }
}

/// Regular expressions of text rules, compiled once each.
enum SpecPattern {
    private static let compiled = LockedValue<[String: CompiledPattern]>([:])

    private struct CompiledPattern: @unchecked Sendable {
        // Regex values are immutable once built; they are shared read-only.
        let regex: Regex<AnyRegexOutput>
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        let found = compiled.withLock { cache -> CompiledPattern? in
            if let hit = cache[pattern] { return hit }
            guard let regex = try? Regex(pattern) else { return nil }
            cache[pattern] = CompiledPattern(regex: regex)
            return cache[pattern]
        }
        guard let found else { preconditionFailure("the spec pattern \(pattern) is not a regular expression") }
        return (try? found.regex.wholeMatch(in: text)) != nil
    }
}
