public import SkeinJSON

/// Reads a flow document (already parsed to JSON) into a `FlowDefinition`, checking
/// everything it can without touching the outside world and reporting every problem
/// with its path.
///
/// A shape is written with its type as the key that holds its settings:
/// ```yaml
/// shapes:
///   - id: paid-only
///     filter:
///       where: [{ field: financial_status, equals: paid }]
/// ```
public struct FlowDecoder: Sendable {
    public var catalog: ShapeCatalog

    public init(catalog: ShapeCatalog = ShapeCatalog()) {
        self.catalog = catalog
    }

    /// Decodes and validates; throws `FlowValidationError` listing every problem.
    public func decode(_ document: JSON, source: String? = nil) throws(FlowValidationError) -> FlowDefinition {
        let problems = ProblemList()
        let flow = read(document, problems: problems)
        if let flow, problems.isEmpty { return flow }
        throw FlowValidationError(source: source, problems: problems.problems)
    }

    /// A validator whose `.shapes` lists are read by this decoder, sharing one id registry.
    func validator(_ problems: ProblemList, ids: ShapeIDRegistry) -> SpecValidator {
        SpecValidator(
            problems: problems,
            context: SpecContext(readShapes: { entries, path in
                self.readSequence(entries, path: path, problems: problems, ids: ids)
            }))
    }

    func read(_ document: JSON, problems: ProblemList) -> FlowDefinition? {
        let validator = validator(problems, ids: ShapeIDRegistry())
        guard let root = validator.object(document, FlowSpec.document, path: "", setting: "", allowMissing: false), problems.isEmpty,
            var trigger = Self.trigger(root.value("trigger"))
        else { return nil }
        let id = root.string("id")
        let shapes = root.shapes("shapes")
        if case .webhook(var webhook) = trigger, let respond = webhook.respond {
            webhook.respond = resolveRespond(respond, shapes: shapes, problems: problems)
            trigger = .webhook(webhook)
        }
        let variables = Dictionary((root.optional.entries("variables") ?? []).map { ($0.key, $0.value.json) }, uniquingKeysWith: { $1 })
        return FlowDefinition(
            id: id, name: root.optional.string("name") ?? id, version: root.optional.int("version"),
            description: root.optional.string("description"), trigger: trigger, priority: root.int("priority"),
            syncRetries: root.int("sync_retries"), maxConcurrentRuns: root.optional.int("max_concurrent_runs"),
            shapes: shapes, variables: variables, alerts: Self.alerts(root.optional.object("alerts")))
    }

    /// The groups named in a validated `alerts:` value.
    static func alerts(_ settings: ValidSettings?) -> FlowAlerts {
        func names(_ key: String) -> [String] { (settings?.optional.list(key) ?? []).compactMap(\.string) }
        return FlowAlerts(onFailure: names("on_failure"), onSyncFailed: names("on_sync_failed"))
    }

    /// The trigger in a validated `trigger:` value.
    static func trigger(_ value: SpecValue?) -> Trigger? {
        switch value {
        case .json(.string("api"))?: return .api
        case .json(.string("manual"))?: return .manual
        case .object(let object)?:
            if let expression = object.optional.string("schedule") { return (try? CronSchedule(expression)).map(Trigger.schedule) }
            if let webhook = object.optional.object("webhook") { return .webhook(Self.webhook(webhook)) }
            return object.has("api") ? .api : .manual
        default: return nil
        }
    }

    static func webhook(_ settings: ValidSettings) -> WebhookSettings {
        var respond: WebhookResponse?
        switch settings.optional.value("respond") {
        case .json(.bool(true))?: respond = WebhookResponse(stepID: "")
        case .object(let object)?:
            respond = WebhookResponse(stepID: object.optional.string("step") ?? "", timeout: object.duration("timeout"))
        default: respond = nil
        }
        var dedupe: WebhookDedupe?
        if let object = settings.optional.object("dedupe") {
            let source: WebhookDedupe.Source =
                if let header = object.optional.string("header") { .header(header) } else { .expression(object.optional.string("expression") ?? "") }
            dedupe = WebhookDedupe(source: source, window: object.duration("window"))
        }
        return WebhookSettings(
            token: settings.string("token"), hmacSecretEnvironmentVariable: settings.optional.string("hmac_secret_env"),
            maximumBodyBytes: settings.optional.int("max_body_bytes"), respond: respond, dedupe: dedupe)
    }

    /// Reads a list of shapes (the flow's, or a child sequence of a route, branch or try),
    /// checking that every id is unique across the whole tree.
    func readSequence(_ list: [JSON], path: String, problems: ProblemList, ids: ShapeIDRegistry) -> [ShapeDefinition] {
        var shapes: [ShapeDefinition] = []
        for (index, value) in list.enumerated() {
            let shapePath = "\(path)[\(index)]"
            guard let shape = readShape(value, path: shapePath, problems: problems, ids: ids) else { continue }
            shapes.append(shape)
        }
        return shapes
    }

    /// Reads one shape entry: the keys every shape has (`FlowSpec.shapeEntry`) and exactly one
    /// type key holding its settings, checked by that type's spec.
    func readShape(_ value: JSON, path: String, problems: ProblemList, ids: ShapeIDRegistry = ShapeIDRegistry()) -> ShapeDefinition? {
        guard case .object(let members) = value else {
            problems.add(path, "expected an object of settings, found \(value.typeName)")
            return nil
        }
        let typeKeys = members.keys.filter { FlowSpec.shapeEntry.field($0) == nil }
        let validator = validator(problems, ids: ids)
        let before = problems.problems.count
        let entry = validator.members(members, FlowSpec.shapeEntry, path: path, setting: "", otherKeys: Set(typeKeys))
        let entryIsValid = problems.problems.count == before
        let id = entry.optional.string("id")
        if let id { ids.claim(id, at: path, problems: problems) }
        let name = entry.optional.string("name")
        let skip = entry.bool("skip")
        let retry = entry.optional.object("retry").flatMap { entryIsValid ? $0 : nil }.map {
            RetryPolicy(attempts: $0.int("attempts"), backoff: $0.duration("backoff"), maximumBackoff: $0.duration("max_backoff"))
        }
        if typeKeys.isEmpty {
            entry.report("", "no shape type given; add one of \(knownTypes) with its settings")
            return nil
        }
        if typeKeys.count == 1, let structure = FlowSpec.structures.first(where: { $0.type == typeKeys[0] }) {
            let built = readStructure(structure, members[structure.type], path: entry.childPath(structure.type), validator: validator)
            guard let id, let built else { return nil }
            return ShapeDefinition(id: id, type: structure.type, name: name, skip: skip, retry: retry, structure: built)
        }
        if catalog.acceptsUnknownTypes && typeKeys.count == 1 && catalog.kind(typeKeys[0]) == nil {
            guard let id else { return nil }
            return ShapeDefinition(id: id, type: typeKeys[0], name: name, skip: skip, retry: retry, settings: members[typeKeys[0]] ?? .object([:]))
        }
        let known = typeKeys.filter { catalog.kind($0) != nil }
        if known.count > 1 {
            entry.report("", "one shape can have only one type, found \(known.joined(separator: " and "))")
        }
        for key in typeKeys where catalog.kind(key) == nil {
            if ShapeStructure.types.contains(key) {
                entry.report(key, "one shape can have only one type; put the \(key) in a shape of its own")
            } else {
                entry.report(key, "unknown shape type '\(key)'; known types: \(knownTypes)")
            }
        }
        guard known.count == 1, let kind = catalog.kind(known[0]) else { return nil }
        let settings = members[known[0]] ?? .object([:])
        if let reader = SettingsReader(settings, path: entry.childPath(known[0]), problems: problems) {
            _ = kind.prepare(reader)
        }
        guard let id else { return nil }
        return ShapeDefinition(id: id, type: known[0], name: name, skip: skip, retry: retry, settings: settings)
    }

    /// Every shape type a flow may use, for error messages.
    var knownTypes: String { (catalog.types + ShapeStructure.types).sorted().joined(separator: ", ") }

    static func isIdentifier(_ text: String) -> Bool { SpecPattern.matches(text, FlowSpec.identifierPattern) }
}
