import SkeinCore
import SkeinJSON

/// Builds the request a step sends, from its settings and the variables in scope.
///
/// The URL is the instance address joined with `path`, then `query:` added; values
/// substituted into the path and query are percent-encoded, the text around them is not.
/// Headers are the instance's `headers:`, then the step's `headers:` (the step wins).
struct RequestBuilder: Sendable {
    let settings: HTTPShapeSettings

    func url(address: String, scope: VariableScope, instanceName: String) throws(ShapeFailure) -> String {
        let path = try render(settings.path, "path", scope: scope, instanceName: instanceName) {
            URLText.percentEncode($0, keeping: URLText.pathSafe)
        }
        var url = URLText.join(address, path)
        for (name, template) in settings.query {
            // A query parameter filled from an optional endpoint parameter that was not given is left out.
            if template.variableNames.contains(where: { $0.hasPrefix("params.") && scope.json($0) == nil }) { continue }
            url = URLText.settingQuery(url, name, try render(template, "query.\(name)", scope: scope, instanceName: instanceName) { $0 })
        }
        return url
    }

    func headers(
        defaults: [(name: String, value: String)], scope: VariableScope,
        instanceName: String
    ) throws(ShapeFailure) -> [(name: String, value: String)] {
        var request = OutgoingRequest(method: settings.method, url: "", headers: defaults)
        for (name, template) in settings.headers {
            request.setHeader(name, try render(template, "headers.\(name)", scope: scope, instanceName: instanceName) { $0 })
        }
        return request.headers
    }

    /// The body of a send for one payload, and the content type it needs.
    func body(for payload: Payload, index: Int) throws(ShapeFailure) -> (bytes: [UInt8], contentType: String) {
        switch settings.body {
        case .raw:
            return (payload.bytes(), payload.contentType)
        case .json:
            // A parsed document's bytes() is its compact serialisation, kept when it was stored.
            if case .json = payload.body { return (payload.bytes(), Payload.jsonContentType) }
            do { return (try payload.json().serializedBytes(), Payload.jsonContentType) } catch {
                throw ShapeFailure("payload \(index): \(error); use body: raw to send it as it is")
            }
        case .form:
            let document: JSON
            do { document = try payload.json() } catch { throw ShapeFailure("payload \(index): \(error); body: form needs a JSON object") }
            guard case .object(let members) = document else {
                throw ShapeFailure("payload \(index): body: form needs a JSON object, found \(document.typeName)")
            }
            let pairs = members.map { ($0.key, VariableScope.text($0.value) ?? "") }
            return (Array(FormEncoding.encode(pairs: pairs).utf8), "application/x-www-form-urlencoded")
        }
    }

    /// Whether the method carries a body on a send (GET, HEAD, OPTIONS and DELETE do not).
    var methodHasBody: Bool { !["GET", "HEAD", "OPTIONS", "DELETE"].contains(settings.method) }

    private func render(
        _ template: Template, _ setting: String, scope: VariableScope, instanceName: String,
        escaping: (String) -> String
    ) throws(ShapeFailure) -> String {
        do { return try template.render(escaping: escaping, lookup: scope.value) } catch {
            let hint =
                error.name.hasPrefix("payload.")
                ? "the payload has no such field"
                : "it is neither a variable of instance '\(instanceName)' nor a flow variable"
            throw ShapeFailure("\(setting) uses {{\(error.name)}}, but \(hint)")
        }
    }
}
