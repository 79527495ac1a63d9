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
    /// For sends: the header that carries a key stable across retries of the same payload, as
    /// written (`none` switches off the default of a send with `sync:`).
    var idempotencyHeader: String?
    /// For sends with `sync:`: when an item already delivered is sent again (`deliver:`).
    var deliver: DeliveryRule = .ifChanged
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

    /// The header a send's stable key goes in: as written, `Idempotency-Key` for a send with
    /// `sync:` by default, none when written `none`.
    var keyHeader: String? {
        if let idempotencyHeader { return idempotencyHeader.lowercased() == "none" ? nil : idempotencyHeader }
        return sync != nil ? "Idempotency-Key" : nil
    }

    /// `{{name}}` templates: instance variables first, then flow variables.
    static let template = FieldKind.template(
        TextRules(
            check: TextCheck { text in
                do throws(Template.SyntaxError) { _ = try Template(text); return nil } catch { return error.message }
            },
            syntax: "`{{name}}` is an instance variable or, failing that, a flow variable (letters, digits, `_`, `-`, `.`)."))

    /// `query:` and `headers:`: names to templates; numbers and booleans count as their text,
    /// since YAML reads `limit: 100` as a number.
    static let templates = FieldKind.dictionary(
        DictionarySpec(
            keyName: "name", value: .anyOf([template, .number, .boolean], mismatch: "expected a string, found {found}")))

    /// Written as a receive, or not written (a connector endpoint then decides, and checks it).
    static let receiveOnly = SpecCondition.not(.equals("direction", "send"))
    static let sendOnly = SpecCondition.not(.equals("direction", "receive"))
    static let graphQL = SpecCondition.present("graphql")

    static let spec = ObjectSpec(
        [
            FieldSpec("instance", .instance, required: true, help: "An `http` instance; its address is the base URL, it holds the credentials."),
            FieldSpec(
                "endpoint", .string(TextRules(nonEmpty: true)),
                help: "A named endpoint of the instance's connector (`orders.updated_since`, docs/connectors.md); it decides the request, "
                    + "so `method`, `path`, `pagination`, `items_path`, `graphql` and `body` are left out."),
            FieldSpec(
                "params", .dictionary(DictionarySpec(keyName: "parameter", value: .anyOf([template, .json([.number, .boolean, .null, .array, .object])]))),
                help:
                    "With `endpoint:`: the endpoint's parameters, literally or as templates (`since: \"{{last_sync}}\"`), checked against the connector's definition."
            ),
            FieldSpec(
                "direction",
                .choice([
                    Choice("receive", help: "One request per page; each page is an output payload."),
                    Choice("send", help: "One request per payload (or per batch); the answers are the outputs."),
                ]), help: "Whether the step reads from the system or writes to it; required unless an `endpoint` decides it."),
            FieldSpec("graphql", .object(GraphQLSettings.spec), help: "The request is a GraphQL operation, POSTed as `{query, variables}` to `path`."),
            FieldSpec(
                "method", .choice(methods.map { Choice($0, aliases: [$0.lowercased()]) }),
                help: "The HTTP method; default GET for receive, POST for send and for GraphQL."),
            FieldSpec("path", template, default: "", help: "Joined to the instance address; `{{name}}` placeholders are filled and escaped."),
            FieldSpec("query", templates, help: "Query parameters added to the URL (values may use `{{variables}}`)."),
            FieldSpec("headers", templates, help: "Request headers, after the instance's own (these win)."),
            FieldSpec(
                "body",
                .choice([
                    Choice("json", help: "The payload as JSON (`application/json`)."),
                    Choice("form", help: "A JSON object as `application/x-www-form-urlencoded` pairs."),
                    Choice("raw", help: "The payload's exact bytes with its own content type (CSV, XML, PDF)."),
                ]), default: "json", help: "How a send turns the payload into the request body."),
            FieldSpec("pagination", .variants(Pagination.variants), help: "How a receive asks for the next page; without it, one request."),
            FieldSpec(
                "max_pages", .integer(1...100_000), default: 100,
                help: "The most pages one receive reads (an endpoint's default is 1000); reaching it with pages left adds a warning."),
            FieldSpec("items_path", .fieldPath, help: "page and offset pagination: an empty array here is the last page."),
            FieldSpec("timeout", .duration(.positive), help: "How long one request may take; overrides the instance's timeout."),
            FieldSpec(
                "idempotency_key", .string(TextRules(nonEmpty: true)),
                help: "A send: the header that carries a key stable across retries of the same payload; a send with `sync:` sends "
                    + "`Idempotency-Key` (destination + reference + content hash) unless this names another header or says `none`."),
            FieldSpec(
                "deliver",
                .choice([
                    Choice("if_changed", help: "Skip an item whose identical content this destination already accepted (the default)."),
                    Choice("always", help: "Send every item, delivered before or not."),
                    Choice("once", help: "Never send a reference this destination already accepted, even with changed content."),
                ]), help: "A send with `sync:`: when an item already delivered to this destination (system and instance) is sent again."),
            FieldSpec("sync", .object(SyncSettings.spec()), help: "A send: keep a sync report entry per payload (see docs/sync-reports.md)."),
            FieldSpec("concurrency", .integer(1...64), default: 1, help: "A send: how many requests (or batches) may be in flight at once."),
            FieldSpec("batch", .object(BatchSettings.spec), help: "A send: several payloads per request, for bulk endpoints."),
        ],
        rules: [
            .check(
                ObjectCheck("With `endpoint`, the endpoint decides `method`, `path`, `pagination`, `items_path`, `graphql` and `body`.") { settings in
                    guard let endpoint = settings.optional.string("endpoint") else { return }
                    for key in HTTPShapeSettings.endpointKeys where settings.has(key) {
                        settings.report(key, "is decided by the endpoint '\(endpoint)'; remove it, or leave out endpoint: and describe the request yourself")
                    }
                }),
            .onlyWhen("params", .present("endpoint"), message: "applies with endpoint: only (the parameters of a connector endpoint)"),
            .requiredWhen("direction", .not(.present("endpoint")), message: "required field is missing"),
            .onlyWhen("body", .not(graphQL), message: "does not apply with graphql: (the body is the GraphQL query and variables)"),
            .onlyWhen("batch", .not(graphQL), message: "does not apply with graphql: (send one mutation per payload)"),
            .onlyWhen("method", .not(.all([graphQL, .not(.oneOf("method", ["POST", "post"]))])), message: "GraphQL is sent with POST"),
            .onlyWhen(
                "pagination", .not(.all([.equals("pagination.type", "graphql_cursor"), .not(graphQL)])),
                message: "graphql_cursor pages a GraphQL query: add graphql:"),
            .onlyWhen("pagination", receiveOnly, message: "applies to direction: receive only"),
            .onlyWhen("max_pages", receiveOnly, message: "applies to direction: receive only"),
            .onlyWhen("items_path", receiveOnly, message: "applies to direction: receive only"),
            .onlyWhen(
                "items_path", .not(.oneOf("pagination.type", ["cursor", "link_header", "next_url", "graphql_cursor"])),
                message: "is used by page and offset pagination only"),
            .onlyWhen("body", sendOnly, message: "applies to direction: send only (a receive sends no payload)"),
            .onlyWhen("idempotency_key", sendOnly, message: "applies to direction: send only"),
            .onlyWhen("sync", sendOnly, message: "applies to direction: send only (a sync report lists items sent)"),
            .onlyWhen("deliver", .present("sync"), message: "applies to a send with sync: (the delivery ledger is keyed by the sync reference)"),
            .onlyWhen("concurrency", sendOnly, message: "applies to direction: send only (pages are read in order)"),
            .onlyWhen("batch", sendOnly, message: "applies to direction: send only"),
            .check(
                ObjectCheck("`batch` sends a JSON list, so it needs `body: json`.") { settings in
                    if settings.has("batch"), let body = settings.optional.string("body"), body != "json" {
                        settings.report("batch", "sends a JSON list; it needs body: json, not \(body)")
                    }
                }),
        ])

    /// Checks `reader`'s settings against the spec and returns the configuration, or nil with
    /// the problems recorded (a connector definition's endpoint requests are read this way too).
    static func read(_ reader: SettingsReader) -> HTTPShapeSettings? {
        let before = reader.problems.problems.count
        let valid = SpecValidator(problems: reader.problems).members(reader.members, spec, path: reader.path, setting: "http")
        return reader.problems.problems.count == before ? HTTPShapeSettings(valid) : nil
    }
}

extension HTTPShapeSettings {
    /// The configuration in validated settings.
    init(_ settings: ValidSettings) {
        let direction = Direction(rawValue: settings.optional.string("direction") ?? "receive") ?? .receive
        let graphql = settings.optional.object("graphql").map(GraphQLSettings.init)
        func templates(_ key: String) -> [(name: String, value: Template)] {
            (settings.optional.entries(key) ?? []).compactMap { entry in
                let text = entry.value.string ?? entry.value.json.serialized()
                return (try? Template(text)).map { (entry.key, $0) }
            }
        }
        self.init(
            instance: settings.string("instance"), direction: direction,
            method: settings.optional.string("method")?.uppercased() ?? (direction == .receive && graphql == nil ? "GET" : "POST"),
            path: (try? Template(settings.string("path"))) ?? Template.empty, query: templates("query"), headers: templates("headers"),
            body: BodyEncoding(rawValue: settings.string("body")) ?? .json,
            pagination: settings.optional.object("pagination").flatMap(Pagination.init), maxPages: settings.int("max_pages"),
            itemsPath: settings.optional.fieldPath("items_path"), timeout: settings.optional.duration("timeout"),
            idempotencyHeader: settings.optional.string("idempotency_key"), sync: settings.optional.object("sync").map(SyncSettings.init),
            concurrency: settings.int("concurrency"),
            batch: direction == .send ? settings.optional.object("batch").map(BatchSettings.init) : nil)
        self.graphql = graphql
        deliver = settings.optional.string("deliver").flatMap(DeliveryRule.init(rawValue:)) ?? .ifChanged
        endpoint = settings.optional.string("endpoint")
        params = (settings.optional.entries("params") ?? []).map { ($0.key, $0.value.json) }
        location = settings.path
        directionWritten = settings.has("direction")
        maxPagesWritten = settings.has("max_pages")
    }
}
