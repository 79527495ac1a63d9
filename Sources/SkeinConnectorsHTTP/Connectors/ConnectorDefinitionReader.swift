import SkeinCore
import SkeinJSON

/// Reads a connector definition file (YAML or JSON), reporting every problem with its path,
/// the way `skein flow validate` reports a flow's: `connectors/acme.yaml: endpoints.orders.list.pagination.type: …`.
///
/// Each endpoint's request (`method`, `path`, `query`, `graphql`, `pagination`, `items_path`, …)
/// is read by `HTTPShapeSettings.read`, the same code that reads an `http:` step, and the
/// connector's instance settings (`auth`, `headers`, `throttle`, …) by
/// `HTTPInstanceSettings.read`, so a definition accepts exactly what a hand-written step and
/// instance accept.
enum ConnectorDefinitionReader {
    /// Keys of an endpoint that are not part of its request.
    static let endpointOwnKeys: Set<String> = ["help", "params", "identity", "body_path", "items_path"]
    /// Keys of a definition that become the instance's `http` settings.
    static let instanceKeys = ["auth", "headers", "test_path", "throttle", "retry_throttled", "error_message"]

    static func read(text: String, source: String) throws(ConnectorDefinitionError) -> ConnectorDefinition {
        let document: JSON
        do { document = try FlowFile.document(from: text, source: source) } catch {
            throw ConnectorDefinitionError(source: source, problems: error.problems.map { "\($0)" })
        }
        let problems = ProblemList()
        let definition = read(document, source: source, problems: problems)
        guard problems.isEmpty, var definition else {
            throw ConnectorDefinitionError(source: source, problems: problems.problems.map(\.description))
        }
        definition.text = text
        return definition
    }

    static func read(_ document: JSON, source: String, problems: ProblemList) -> ConnectorDefinition? {
        guard let reader = SettingsReader(document, path: "", problems: problems, allowMissing: false) else { return nil }
        let name = reader.string("connector", required: true)
        if let name, !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
            reader.report("connector", "'\(name)' must be letters, digits, _ or -")
        }
        let title = reader.string("title", required: true)
        let help = reader.string("help") ?? ""
        var documentation: (String, String)?
        if let docs = reader.object("documentation", required: true) {
            let url = docs.string("url", required: true)
            let version = docs.string("version", required: true)
            docs.finish()
            if let url, let version { documentation = (url, version) }
        }
        var settings: [ConnectorDefinition.Setting] = []
        if let object = reader.object("settings") {
            for key in object.members.keys {
                guard let setting = object.object(key) else { continue }
                let required = setting.bool("required") ?? false
                let defaultValue = setting.raw("default").flatMap(VariableScope.text)
                let help = setting.string("help", required: true) ?? ""
                setting.finish()
                settings.append(.init(name: key, required: required, defaultValue: defaultValue, help: help))
            }
        }
        var credentials: [ConnectorDefinition.Credential] = []
        if let object = reader.object("credentials") {
            for key in object.members.keys {
                guard let credential = object.object(key) else { continue }
                credentials.append(.init(name: key, help: credential.string("help", required: true) ?? ""))
                credential.finish()
            }
        }
        var address: Template?
        if let text = reader.string("address", required: true) {
            do {
                let template = try Template(text)
                for name in template.variableNames where !settings.contains(where: { $0.name == name }) {
                    reader.report("address", "uses {{\(name)}}, which is not one of the connector's settings")
                }
                address = template
            } catch { reader.report("address", error.message) }
        }
        var rateLimit: RateLimit?
        if let text = reader.string("rate_limit") {
            rateLimit = RateLimit(text)
            if rateLimit == nil { reader.report("rate_limit", "'\(text)' is not N/s, N/minute or N/hour") }
        }
        let (instanceSettings, slots) = readInstanceSettings(reader, credentials: credentials)
        var endpoints: [EndpointDefinition] = []
        if let object = reader.object("endpoints", required: true) {
            for key in object.members.keys {
                if !key.contains(".") || key.hasPrefix(".") || key.hasSuffix(".") {
                    object.report(key, "name endpoints resource.action, such as orders.updated_since")
                }
                guard let endpointReader = object.object(key) else { continue }
                if let endpoint = readEndpoint(endpointReader, name: key, settings: settings) { endpoints.append(endpoint) }
            }
            if object.members.isEmpty { reader.report("endpoints", "a connector needs at least one endpoint") }
        }
        reader.finish()
        guard let name, let title, let documentation, let address, problems.isEmpty else { return nil }
        return ConnectorDefinition(
            source: source, name: name, title: title, help: help, documentation: documentation,
            settings: settings, credentials: credentials, address: address, instanceSettings: instanceSettings,
            credentialSlots: slots, rateLimit: rateLimit, endpoints: endpoints)
    }

    /// `auth`, `headers`, `throttle`, …: checked by reading them as an `http` instance would,
    /// with stand-in credentials for every slot.
    private static func readInstanceSettings(
        _ reader: SettingsReader, credentials: [ConnectorDefinition.Credential]
    )
        -> (JSON.Object, [String: String])
    {
        var object = JSON.Object()
        var slots: [String: String] = [:]
        for key in instanceKeys {
            guard let value = reader.raw(key) else { continue }
            object[key] = value
        }
        if case .object(var auth)? = object["auth"] {
            if let mapping = auth["credentials"] {
                if case .object(let members) = mapping {
                    for (slot, value) in members {
                        guard case .string(let credential) = value, credentials.contains(where: { $0.name == credential }) else {
                            reader.problems.add(
                                "auth.credentials.\(slot)", "must name one of the connector's credentials (\(credentials.map(\.name).joined(separator: ", ")))")
                            continue
                        }
                        slots[slot] = credential
                    }
                } else {
                    reader.problems.add("auth.credentials", "expected an object of auth credential names to the connector's credential names")
                }
                auth["credentials"] = nil
            }
            object["auth"] = .object(auth)
        }
        let standIn = Dictionary(
            uniqueKeysWithValues: (["username", "password", "token", "api_key", "client_id", "client_secret", "refresh_token"])
                .map { ($0, "stand-in") })
        let instance = Instance(
            name: "definition", connectorType: "http", address: "https://example.invalid", settings: .object(object),
            credentials: standIn)
        do { _ = try HTTPInstanceSettings.read(instance) } catch {
            reader.problems.add("", error.message.replacingAll("instance 'definition' is not set up right: ", with: "instance settings: "))
        }
        return (object, slots)
    }

    private static func readEndpoint(_ reader: SettingsReader, name: String, settings: [ConnectorDefinition.Setting]) -> EndpointDefinition? {
        let help = reader.string("help", required: true) ?? ""
        var params: [ParameterDefinition] = []
        if let object = reader.object("params") {
            for key in object.members.keys {
                if let parameterReader = object.object(key), let parameter = ParameterDefinition.read(parameterReader, name: key) {
                    params.append(parameter)
                }
            }
        }
        var identity = EndpointDefinition.Identity()
        if let object = reader.object("identity") {
            identity.reference = object.fieldPath("reference")?.description
            identity.id = object.fieldPath("id")?.description
            object.finish()
        }
        let bodyPath = reader.fieldPath("body_path")
        // Where a page's items are: always declared (docs, `split:`), and passed on to the request
        // where its pagination uses it to find the last page.
        let itemsPath = reader.fieldPath("items_path")
        // The rest is the request, read as an `http:` step reads it.
        var request = JSON.Object()
        for (key, value) in reader.members where !endpointOwnKeys.contains(key) {
            _ = reader.raw(key)
            request[key] = value
        }
        request["instance"] = "connector"
        if let itemsPath, case .object(let pagination)? = request["pagination"],
            ["page", "offset"].contains(pagination["type"]?.stringValue ?? "")
        {
            request["items_path"] = .string(itemsPath.description)
        }
        if request["direction"] == nil {
            let method = request["method"]?.stringValue?.uppercased() ?? "GET"
            request["direction"] = .string(method == "GET" || request["pagination"] != nil ? "receive" : "send")
        }
        reader.finish()
        let requestReader = SettingsReader(.object(request), path: reader.path, problems: reader.problems)
        guard let requestReader, let settings = HTTPShapeSettings.read(requestReader) else { return nil }
        // Every placeholder must name a parameter, a connector setting or the payload.
        let known = Set(params.map { "params." + $0.name })
        let templates = [settings.path] + settings.query.map(\.value) + settings.headers.map(\.value)
        var names = templates.flatMap(\.variableNames)
        names += settings.graphql?.variables.variableNames ?? []
        for variable in names where variable.hasPrefix("params.") && !known.contains(variable) {
            reader.report("params", "the request uses {{\(variable)}}, but params declares no '\(variable.dropFirst("params.".count))'")
        }
        for parameter in params where !names.contains("params." + parameter.name) {
            reader.problems.add(reader.childPath("params") + "." + parameter.name, "is declared but the request never uses {{params.\(parameter.name)}}")
        }
        let pathNames = settings.path.variableNames
        for parameter in params where pathNames.contains("params." + parameter.name) && !parameter.required && parameter.defaultValue == nil {
            reader.problems.add(reader.childPath("params") + "." + parameter.name, "is used in the path, so it must be required or have a default")
        }
        if bodyPath != nil, settings.direction != .send { reader.report("body_path", "applies to sends only") }
        return EndpointDefinition(
            name: name, help: help, direction: settings.direction.rawValue, request: settings, params: params,
            identity: identity, bodyPath: bodyPath, itemsPath: itemsPath)
    }
}

/// A connector definition that cannot be used, with every problem found.
public struct ConnectorDefinitionError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var problems: [String]
    public var description: String {
        "\(source): " + problems.joined(separator: "\n\(source): ")
    }
}
