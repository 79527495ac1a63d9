import SkeinCore
import SkeinJSON

/// The settings of one `http:` step, read and checked when the flow is read.
///
/// Everything that can be checked without the instance is checked here (method, templates,
/// pagination, durations), with the path of the bad setting:
/// `shapes[0].http.pagination.type: 'pages' is not one of page, offset, cursor, link_header, next_url`.
struct HTTPShapeSettings: Sendable {
    enum Direction: String, Sendable { case receive, send }

    /// How a send turns the input payload into a request body.
    enum BodyEncoding: String, Sendable {
        /// The payload as JSON (`application/json`).
        case json
        /// A JSON object as `application/x-www-form-urlencoded` pairs.
        case form
        /// The payload's exact bytes with the payload's content type (CSV, XML, a PDF).
        case raw
    }

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    var instance: String
    var direction: Direction
    var method: String
    var path: Template
    var query: [(name: String, value: Template)]
    var headers: [(name: String, value: Template)]
    var body: BodyEncoding
    var pagination: Pagination?
    var maxPages: Int
    var itemsPath: FieldPath?
    var timeout: Duration?
    /// For sends: the header that carries a key stable across retries of the same payload.
    var idempotencyHeader: String?
    /// For sends: keep a sync report entry per payload (`sync:`).
    var sync: SyncSettings?
    /// For sends: how many requests may be in flight at once (`concurrency:`, default 1).
    var concurrency: Int = 1
    /// For sends: several payloads per request (`batch:`), for bulk endpoints.
    var batch: BatchSettings?
    /// `graphql:`: the request is a GraphQL operation (`GraphQLSettings`).
    var graphql: GraphQLSettings?
    /// `endpoint:` and `params:`: a named endpoint of the instance's connector, which supplies
    /// the method, path, query, pagination and items path (`EndpointCall`).
    var endpoint: String?
    var params: [(name: String, value: JSON)] = []
    /// Where the step's settings are in the flow file (`shapes[0].http`), for problems found
    /// when the instance's connector is known.
    var location: String = ""
    /// Whether the step wrote `direction:` and `max_pages:` (an endpoint decides them otherwise).
    var directionWritten = true
    var maxPagesWritten = false

    /// Settings an endpoint decides; a step that names an endpoint may not write them.
    static let endpointKeys = ["method", "path", "pagination", "items_path", "graphql", "body"]

    static func read(_ reader: SettingsReader) -> HTTPShapeSettings? {
        let problemsBefore = reader.problems.problems.count
        let instance = reader.string("instance", required: true)
        let endpoint = reader.string("endpoint")
        if let endpoint, endpoint.isEmpty { reader.report("endpoint", "must not be empty") }
        if endpoint != nil {
            for key in endpointKeys where reader.has(key) {
                reader.report(key, "is decided by the endpoint '\(endpoint ?? "")'; remove it, or leave out endpoint: and describe the request yourself")
            }
        }
        var params: [(name: String, value: JSON)] = []
        if let value = reader.raw("params") {
            if endpoint == nil { reader.report("params", "applies with endpoint: only (the parameters of a connector endpoint)") }
            if case .object(let members) = value {
                for (name, member) in members {
                    if case .string(let text) = member, (try? Template(text)) == nil {
                        reader.problems.add(reader.childPath("params") + "." + name, "'{{' without a closing '}}' in '\(text)'")
                    }
                    params.append((name, member))
                }
            } else {
                reader.report("params", "expected an object of parameter names to values, found \(value.typeName)")
            }
        }
        let direction = reader.string("direction", required: endpoint == nil, allowed: ["receive", "send"]).flatMap(Direction.init(rawValue:))
        let graphql = reader.object("graphql").flatMap(GraphQLSettings.read)
        let methodText = reader.string("method")?.uppercased()
        if let methodText, !methods.contains(methodText) {
            reader.report("method", "'\(methodText)' is not one of \(methods.joined(separator: ", "))")
        }
        let path = template(reader, "path") ?? (try! Template(""))
        let query = templates(reader, "query")
        let headers = templates(reader, "headers")
        let body = reader.string("body", allowed: ["json", "form", "raw"]).flatMap(BodyEncoding.init(rawValue:))
        let pagination = reader.object("pagination").flatMap(Pagination.read)
        let maxPages = reader.int("max_pages", range: 1...100_000)
        let itemsPath = reader.fieldPath("items_path")
        let timeout = reader.duration("timeout")
        if let timeout, timeout <= .zero { reader.report("timeout", "must be longer than 0s") }
        let idempotencyHeader = reader.string("idempotency_key")
        let sync = reader.object("sync").flatMap { SyncSettings.read($0) }
        let concurrency = reader.int("concurrency", range: 1...64)
        let batch = reader.object("batch").flatMap(BatchSettings.read)
        if reader.has("batch"), let body, body != .json { reader.report("batch", "sends a JSON list; it needs body: json, not \(body.rawValue)") }
        if reader.has("graphql"), reader.has("body") { reader.report("body", "does not apply with graphql: (the body is the GraphQL query and variables)") }
        if reader.has("graphql"), reader.has("batch") { reader.report("batch", "does not apply with graphql: (send one mutation per payload)") }
        if reader.has("graphql"), let methodText, methodText != "POST" { reader.report("method", "GraphQL is sent with POST") }
        if case .graphqlCursor? = pagination, !reader.has("graphql") {
            reader.report("pagination", "graphql_cursor pages a GraphQL query: add graphql:")
        }

        if direction == .send {
            if reader.has("pagination") { reader.report("pagination", "applies to direction: receive only") }
            if reader.has("max_pages") { reader.report("max_pages", "applies to direction: receive only") }
            if reader.has("items_path") { reader.report("items_path", "applies to direction: receive only") }
        } else if direction == .receive {
            if reader.has("body") { reader.report("body", "applies to direction: send only (a receive sends no payload)") }
            if reader.has("idempotency_key") { reader.report("idempotency_key", "applies to direction: send only") }
            if reader.has("sync") { reader.report("sync", "applies to direction: send only (a sync report lists items sent)") }
            if reader.has("concurrency") { reader.report("concurrency", "applies to direction: send only (pages are read in order)") }
            if reader.has("batch") { reader.report("batch", "applies to direction: send only") }
            if reader.has("items_path"), let pagination, !pagination.usesItems {
                reader.report("items_path", "is used by page and offset pagination only")
            }
        }
        reader.finish()
        guard reader.problems.problems.count == problemsBefore, let instance, let direction = direction ?? (endpoint != nil ? .receive : nil) else { return nil }
        var result = HTTPShapeSettings(
            instance: instance, direction: direction,
            method: methodText ?? (direction == .receive && graphql == nil ? "GET" : "POST"),
            path: path, query: query, headers: headers, body: body ?? .json,
            pagination: pagination, maxPages: maxPages ?? 100, itemsPath: itemsPath,
            timeout: timeout, idempotencyHeader: idempotencyHeader, sync: sync, concurrency: concurrency ?? 1,
            batch: direction == .send ? batch : nil)
        result.graphql = graphql
        result.endpoint = endpoint
        result.params = params
        result.location = reader.path
        result.directionWritten = reader.has("direction")
        result.maxPagesWritten = reader.has("max_pages")
        return result
    }

    private static func template(_ reader: SettingsReader, _ key: String) -> Template? {
        guard let text = reader.string(key) else { return nil }
        do { return try Template(text) } catch {
            reader.report(key, error.message)
            return nil
        }
    }

    /// An object of names to template strings (`query:`, `headers:`); numbers and booleans are
    /// accepted as their text, since YAML reads `limit: 100` as a number.
    private static func templates(_ reader: SettingsReader, _ key: String) -> [(name: String, value: Template)] {
        guard let value = reader.raw(key) else { return [] }
        guard case .object(let members) = value else {
            reader.report(key, "expected an object of names to values, found \(value.typeName)")
            return []
        }
        var result: [(name: String, value: Template)] = []
        for (name, member) in members {
            let text: String
            switch member {
            case .string(let string): text = string
            case .number, .bool: text = member.serialized()
            default:
                reader.problems.add(reader.childPath(key) + "." + name, "expected a string, found \(member.typeName)")
                continue
            }
            do { result.append((name, try Template(text))) } catch {
                reader.problems.add(reader.childPath(key) + "." + name, error.message)
            }
        }
        return result
    }
}
