import JSONata
import SkeinCore
import SkeinJSON

/// An `http:` step that names a connector endpoint:
///
/// ```yaml
/// http: { instance: shop, endpoint: orders.updated_since, params: { since: "{{last_sync}}" } }
/// ```
///
/// The endpoint supplies the method, path, query, GraphQL operation, pagination and items path;
/// the step may add `headers`, `query`, `timeout`, `max_pages` and the send settings (`sync`,
/// `concurrency`, `idempotency_key`). Parameters are checked against the definition: an unknown
/// endpoint or parameter, a missing required one or a value of the wrong type is a problem at its
/// path (`shapes[0].http.params.sinse: …`), reported by `skein flow validate` when the
/// instance's connector is known there, and otherwise when the step runs, before any request.
enum EndpointCall {
    /// How many pages an endpoint reads when neither it nor the step sets `max_pages`: a
    /// connector is expected to read everything there is, within reason.
    static let defaultMaxPages = 1000

    /// Checks the step's `endpoint:`, `direction:` and `params:` against the instance's
    /// connector, recording problems at their paths.
    static func check(_ settings: HTTPShapeSettings, definition: ConnectorDefinition, instanceName: String?, problems: ProblemList) {
        guard let name = settings.endpoint else { return }
        let location = settings.location
        let whose = "connector \(definition.name)" + (instanceName.map { " (instance '\($0)')" } ?? "")
        guard let endpoint = definition.endpoint(name) else {
            let sameResource = definition.endpoints.map(\.name).filter { $0.split(separator: ".").first == name.split(separator: ".").first }
            let hint =
                sameResource.isEmpty
                ? "its endpoints: " + definition.endpoints.map(\.name).joined(separator: ", ")
                : "did you mean " + sameResource.joined(separator: " or ") + "?"
            problems.add(join(location, "endpoint"), "'\(name)' is not an endpoint of \(whose); \(hint)")
            return
        }
        if settings.directionWritten, settings.direction.rawValue != endpoint.direction {
            problems.add(join(location, "direction"), "endpoint \(name) is a \(endpoint.direction); leave direction out or write \(endpoint.direction)")
        }
        if endpoint.direction == "receive" {
            for (key, present) in [
                ("sync", settings.sync != nil), ("batch", settings.batch != nil),
                ("idempotency_key", settings.idempotencyHeader != nil), ("concurrency", settings.concurrency != 1),
            ] where present {
                problems.add(join(location, key), "applies to sends only; endpoint \(name) is a receive")
            }
        } else if settings.maxPagesWritten {
            problems.add(join(location, "max_pages"), "applies to receives only; endpoint \(name) is a send")
        }
        let known = endpoint.params.map(\.name)
        for (parameterName, value) in settings.params {
            let path = join(location, "params") + "." + parameterName
            guard let parameter = endpoint.parameter(parameterName) else {
                problems.add(
                    path,
                    "unknown parameter '\(parameterName)' of \(definition.name) endpoint \(name) (its parameters: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
                )
                continue
            }
            if case .string(let text) = value, text.contains("{{") { continue }  // checked when it is filled in
            if case .failure(let problem) = parameter.convert(value) { problems.add(path, problem.message) }
        }
        for parameter in endpoint.params where parameter.required && !settings.params.contains(where: { $0.name == parameter.name }) {
            problems.add(join(location, "params"), "'\(parameter.name)' is required by \(definition.name) endpoint \(name): \(parameter.help)")
        }
    }

    /// The check when the instance's connector is not known yet (`skein flow validate` without
    /// the instance): the endpoint must exist in some connector, and parameters unknown to every
    /// connector that has it are problems.
    static func check(_ settings: HTTPShapeSettings, catalog: ConnectorCatalog, problems: ProblemList) {
        guard let name = settings.endpoint, !name.isEmpty else { return }
        let candidates = catalog.connectors(withEndpoint: name)
        if candidates.count == 1 {
            check(settings, definition: candidates[0], instanceName: nil, problems: problems)
            return
        }
        guard !candidates.isEmpty else {
            problems.add(
                join(settings.location, "endpoint"),
                "'\(name)' is not an endpoint of any connector this installation knows (\(catalog.names.joined(separator: ", ")))")
            return
        }
        for (parameterName, _) in settings.params where !candidates.contains(where: { $0.endpoint(name)?.parameter(parameterName) != nil }) {
            problems.add(
                join(settings.location, "params") + "." + parameterName,
                "unknown parameter '\(parameterName)' of endpoint \(name) (in \(candidates.map(\.name).joined(separator: ", ")))")
        }
    }

    /// The settings the step runs with: the endpoint's request, with the step's additions.
    static func resolve(
        _ settings: HTTPShapeSettings, definition: ConnectorDefinition,
        instanceName: String
    ) throws(ShapeFailure) -> (HTTPShapeSettings, EndpointDefinition) {
        let problems = ProblemList()
        check(settings, definition: definition, instanceName: instanceName, problems: problems)
        guard problems.isEmpty, let name = settings.endpoint, let endpoint = definition.endpoint(name) else {
            throw ShapeFailure(problems.problems.map(\.description).joined(separator: "; "))
        }
        var resolved = endpoint.request
        resolved.instance = settings.instance
        resolved.timeout = settings.timeout ?? resolved.timeout
        if settings.maxPagesWritten {
            resolved.maxPages = settings.maxPages
        } else if !endpoint.request.maxPagesWritten {
            resolved.maxPages = defaultMaxPages
        }
        resolved.headers += settings.headers
        resolved.query += settings.query
        resolved.idempotencyHeader = settings.idempotencyHeader
        resolved.sync = settings.sync
        resolved.deliver = settings.deliver
        // A send's sync entries take the system's id for the item from the answer, where the
        // endpoint says which field that is, unless the step says otherwise.
        if resolved.sync?.endpointID == nil, let id = endpoint.identity.id {
            resolved.sync?.endpointID = try? JSONataExpression(compiling: id)
        }
        resolved.concurrency = settings.concurrency
        resolved.batch = settings.batch
        resolved.endpoint = name
        resolved.params = settings.params
        resolved.location = settings.location
        return (resolved, endpoint)
    }

    /// The parameters for one request: the step's values filled in from `scope` (flow and
    /// instance variables, and the payload of a send), converted to their types, with defaults.
    static func parameters(
        _ given: [(name: String, value: JSON)], endpoint: EndpointDefinition, scope: VariableScope,
        location: String
    ) throws(ShapeFailure) -> [String: JSON] {
        var values: [String: JSON] = [:]
        for parameter in endpoint.params {
            if let value = parameter.defaultValue { values[parameter.name] = value }
        }
        for (name, written) in given {
            guard let parameter = endpoint.parameter(name) else { continue }
            let path = join(location, "params") + "." + name
            var value = written
            if case .string(let text) = written, let template = try? Template(text), !template.variableNames.isEmpty {
                if template.segments.count == 1, case .variable(let variable) = template.segments[0] {
                    guard let typed = scope.json(variable) else { throw missing(variable, path: path) }
                    value = typed
                } else {
                    do { value = .string(try template.render(lookup: scope.value)) } catch { throw missing(error.name, path: path) }
                }
            }
            switch parameter.convert(value) {
            case .success(let converted): values[name] = converted
            case .failure(let problem): throw ShapeFailure("\(path): \(problem.message)")
            }
        }
        for parameter in endpoint.params where parameter.required && values[parameter.name] == nil {
            throw ShapeFailure("\(join(location, "params")): '\(parameter.name)' is required by endpoint \(endpoint.name): \(parameter.help)")
        }
        return values
    }

    private static func missing(_ name: String, path: String) -> ShapeFailure {
        let hint = name.hasPrefix("payload") ? "the payload has no such field" : "it is neither an instance nor a flow variable"
        return ShapeFailure("\(path) uses {{\(name)}}, but \(hint)")
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}
