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

    static let shapeCommonKeys: Set<String> = ["id", "name", "skip", "retry", "description"]

    /// Decodes and validates; throws `FlowValidationError` listing every problem.
    public func decode(_ document: JSON, source: String? = nil) throws(FlowValidationError) -> FlowDefinition {
        let problems = ProblemList()
        let flow = read(document, problems: problems)
        if let flow, problems.isEmpty { return flow }
        throw FlowValidationError(source: source, problems: problems.problems)
    }

    func read(_ document: JSON, problems: ProblemList) -> FlowDefinition? {
        guard let root = SettingsReader(document, path: "", problems: problems, allowMissing: false) else { return nil }
        let id = root.string("id", required: true)
        if let id, !FlowDecoder.isIdentifier(id) {
            root.report("id", "'\(id)' must be lowercase letters, digits, '-' and '_', starting with a letter or digit")
        }
        let name = root.string("name") ?? id ?? ""
        let version = root.int("version", range: 1...1_000_000)
        let description = root.string("description")
        let priority = root.int("priority", range: 1...5) ?? 3
        let syncRetries = root.int("sync_retries", range: 0...100) ?? 4
        let maxConcurrentRuns = root.int("max_concurrent_runs", range: 1...10_000)
        let trigger = readTrigger(root.raw("trigger"), path: "trigger", problems: problems)
        let variables = FlowVariables.read(root.raw("variables"), path: "variables", problems: problems)
        var shapes: [ShapeDefinition] = []
        if let list = root.array("shapes", required: true) {
            if list.isEmpty { root.report("shapes", "a flow needs at least one shape") }
            shapes = readSequence(list, path: "shapes", problems: problems, ids: ShapeIDRegistry())
        }
        root.finish()
        guard let id, var trigger else { return nil }
        if case .webhook(var webhook) = trigger, let respond = webhook.respond {
            webhook.respond = resolveRespond(respond, shapes: shapes, problems: problems)
            trigger = .webhook(webhook)
        }
        return FlowDefinition(id: id, name: name, version: version, description: description, trigger: trigger,
                              priority: priority, syncRetries: syncRetries, maxConcurrentRuns: maxConcurrentRuns, shapes: shapes,
                              variables: variables)
    }

    func readTrigger(_ value: JSON?, path: String, problems: ProblemList) -> Trigger? {
        switch value {
        case nil: return .manual
        case .string("manual")?: return .manual
        case .string("api")?: return .api
        case .string(let other)?:
            problems.add(path, "unknown trigger '\(other)'; use manual, api, {schedule: \"cron\"} or {webhook: {token: ...}}")
            return nil
        case .object(let members)? where members.count == 1:
            let (kind, settings) = members.elements[0]
            let childPath = "\(path).\(kind)"
            switch kind {
            case "manual": return .manual
            case "api": return .api
            case "schedule":
                guard case .string(let expression) = settings else {
                    problems.add(childPath, "expected a cron expression such as \"*/15 * * * *\", found \(settings.typeName)")
                    return nil
                }
                do { return .schedule(try CronSchedule(expression)) } catch {
                    problems.add(childPath, "invalid cron expression '\(expression)': \(error.message)")
                    return nil
                }
            case "webhook":
                guard let reader = SettingsReader(settings, path: childPath, problems: problems) else { return nil }
                let token = reader.string("token", required: true)
                if let token, token.count < 16 || !token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                    reader.report("token", "use at least 16 letters, digits, '-' or '_' (e.g. the output of `openssl rand -hex 16`)")
                }
                let secretVariable = reader.string("hmac_secret_env")
                let maximum = reader.int("max_body_bytes", range: 1...(1 << 40))
                let respond = readRespond(reader)
                reader.finish()
                guard let token, problems.isEmpty else { return nil }
                return .webhook(WebhookSettings(token: token, hmacSecretEnvironmentVariable: secretVariable, maximumBodyBytes: maximum,
                                                respond: respond))
            default:
                problems.add(childPath, "unknown trigger '\(kind)'; use manual, api, schedule or webhook")
                return nil
            }
        case let other?:
            problems.add(path, "expected manual, api, {schedule: ...} or {webhook: ...}, found \(other.typeName)")
            return nil
        }
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

    func readShape(_ value: JSON, path: String, problems: ProblemList, ids: ShapeIDRegistry = ShapeIDRegistry()) -> ShapeDefinition? {
        guard let reader = SettingsReader(value, path: path, problems: problems, allowMissing: false) else { return nil }
        let id = reader.string("id", required: true)
        if let id, !FlowDecoder.isIdentifier(id) {
            reader.report("id", "'\(id)' must be lowercase letters, digits, '-' and '_'")
        }
        if let id { ids.claim(id, at: path, problems: problems) }
        let name = reader.string("name")
        _ = reader.string("description")
        let skip = reader.bool("skip") ?? false
        var retry: RetryPolicy?
        if let retryReader = reader.object("retry") {
            let attempts = retryReader.int("attempts", range: 1...100) ?? 3
            let backoff = retryReader.duration("backoff") ?? .seconds(1)
            let maximum = retryReader.duration("max_backoff") ?? .seconds(60)
            retryReader.finish()
            retry = RetryPolicy(attempts: attempts, backoff: backoff, maximumBackoff: maximum)
        }
        let typeKeys = reader.members.keys.filter { !FlowDecoder.shapeCommonKeys.contains($0) }
        var type: String?
        var settings: JSON = .object([:])
        if typeKeys.isEmpty {
            reader.report("", "no shape type given; add one of \(knownTypes) with its settings")
        } else if typeKeys.count == 1, ShapeStructure.types.contains(typeKeys[0]) {
            let structure = readStructure(typeKeys[0], reader.raw(typeKeys[0]), path: reader.childPath(typeKeys[0]), problems: problems, ids: ids)
            reader.finish()
            guard let id, let structure else { return nil }
            return ShapeDefinition(id: id, type: typeKeys[0], name: name, skip: skip, retry: retry, structure: structure)
        } else {
            if catalog.acceptsUnknownTypes && typeKeys.count == 1 && catalog.kind(typeKeys[0]) == nil {
                let settings = reader.raw(typeKeys[0]) ?? .object([:])
                reader.finish()
                guard let id else { return nil }
                return ShapeDefinition(id: id, type: typeKeys[0], name: name, skip: skip, retry: retry, settings: settings)
            }
            let known = typeKeys.filter { catalog.kind($0) != nil }
            if known.count > 1 {
                reader.report("", "one shape can have only one type, found \(known.joined(separator: " and "))")
            }
            for key in typeKeys where catalog.kind(key) == nil {
                if ShapeStructure.types.contains(key) {
                    reader.report(key, "one shape can have only one type; put the \(key) in a shape of its own")
                } else {
                    reader.report(key, "unknown shape type '\(key)'; known types: \(knownTypes)")
                }
                _ = reader.raw(key)
            }
            if known.count == 1, let kind = catalog.kind(known[0]) {
                type = known[0]
                settings = reader.raw(known[0]) ?? .object([:])
                if let settingsReader = SettingsReader(settings, path: reader.childPath(known[0]), problems: problems) {
                    _ = kind.prepare(settingsReader)
                }
            }
        }
        reader.finish()
        guard let id, let type else { return nil }
        return ShapeDefinition(id: id, type: type, name: name, skip: skip, retry: retry, settings: settings)
    }

    /// Every shape type a flow may use, for error messages.
    var knownTypes: String { (catalog.types + ShapeStructure.types).sorted().joined(separator: ", ") }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 100 else { return false }
        let allowed = { (c: Unicode.Scalar) in (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-" || c == "_" }
        return allowed(first) && first != "-" && first != "_" && text.unicodeScalars.allSatisfy(allowed)
    }
}
