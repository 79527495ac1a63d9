import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// The OpenAPI 3.0 description of every /api/v1 route, served at /api/v1/openapi.json.
/// `OpenAPITests` checks that it lists exactly the router's routes.
enum OpenAPIDocument {
    static let anyObject: JSON = ["type": "object", "additionalProperties": true]
    static func object(_ properties: JSON.Object, required: [String] = []) -> JSON {
        var schema: JSON.Object = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSON.string)) }
        return .object(schema)
    }
    static let string: JSON = ["type": "string"]
    /// Any flow text: drafts and the validator take a text as written, valid or not (its problems are the answer).
    static let anyFlowText: JSON = [:]
    static let integer: JSON = ["type": "integer"]
    static let lookupRows: JSON = ["type": "array", "nullable": true, "items": object(["left": string, "right": string], required: ["left", "right"])]
    static let optionalString: JSON = ["type": "string", "nullable": true]
    static let boolean: JSON = ["type": "boolean"]
    /// The flow version a replay or retry runs: the one the run ran, or the latest deployed.
    static let versionChoice: JSON = ["type": "string", "enum": ["ran", "latest"]]
    static func strings(_ values: [String]? = nil) -> JSON {
        var item: JSON.Object = ["type": "string"]
        if let values { item["enum"] = .array(values.map(JSON.string)) }
        return ["type": "array", "items": .object(item)]
    }

    /// A notification group's body: every address and URL the group is to have (nothing else is accepted).
    static func alertGroup(required: [String]) -> JSON {
        var schema: JSON.Object = [
            "type": "object", "additionalProperties": false,
            "properties": [
                "name": ["type": "string", "pattern": .string(AlertGroup.namePattern)],
                "emails": ["type": "array", "items": ["type": "string"], "maxItems": .number(Double(AlertGroup.maximumRecipients))],
                "webhook_urls": ["type": "array", "items": ["type": "string"], "maxItems": .number(Double(AlertGroup.maximumRecipients)), "nullable": true],
                "smtp_instance": ["type": "string", "nullable": true],
            ],
        ]
        if !required.isEmpty { schema["required"] = .array(required.map(JSON.string)) }
        return .object(schema)
    }

    static let runFilters: [APIOperation.Parameter] = [
        .strings("status", "Run statuses.", RunStatus.allCases.map(\.rawValue)), .string("flow", "A flow id."),
        .strings("trigger", "How runs were started.", TriggerKind.allCases.map(\.rawValue)),
        .date("from", "Queued on or after this UTC date (a date-time such as 2026-05-01T12:00:00Z works too)."),
        .date("to", "Queued on or before this UTC date (or date-time)."),
        .integer("days", "Queued within this many days (when from is not given).", 1...RunFilter.maximumDays),
        .boolean("has_warnings", "Only runs with (or without) warnings."),
        .boolean("unrecovered", "Only failed runs that no later replay or retry recovered (implies status=failure)."),
        .integer("before", "Keyset page: runs older than this id (the previous answer's next_before).", 0...Int.max),
        .integer("limit", "1 to 1000 (default 50).", 1...RunFilter.maximumLimit),
    ]
    static let syncFilters: [APIOperation.Parameter] = [
        .strings("status", "Sync statuses.", SyncStatus.allCases.map(\.rawValue)), .strings("system", "Destination systems.", nil),
        .strings("flow", "Flow ids.", nil), .string("search", "A sync id, or part of a reference or system (at most 200 characters)."),
        .integer("days", "The window in days, 1 to 15 (default 5).", 1...SyncQuery.maximumDays),
        .date("from", "Attempted on or after this UTC date (or date-time); replaces days."),
        .date("to", "Attempted on or before this UTC date (or date-time)."),
        .choice("sort", "The sort column.", SyncSortColumn.allCases.map(\.rawValue)),
        .choice("order", "asc or desc (default: desc for time columns).", ["asc", "desc"]), .integer("limit", "1 to 1000 (default 50).", 1...1000),
        .string("after", "Keyset page token (the previous answer's next)."),
    ]

    static let operations: [APIOperation] = [
        APIOperation(method: "get", path: "/me", summary: "Who the caller is, their role and the session's CSRF token.", role: .viewer),
        APIOperation(method: "get", path: "/openapi.json", summary: "This document.", role: .viewer),
        // Flows
        APIOperation(method: "get", path: "/flows", summary: "Every flow's latest version.", role: .viewer),
        APIOperation(
            method: "post", path: "/flows", summary: "Deploy a flow file (YAML or JSON text); 201 for a new version, 200 when unchanged.",
            role: .builder, body: string, bodyType: "application/yaml", status: 201),
        APIOperation(method: "get", path: "/flows/{flow}", summary: "A flow's latest version with its source.", role: .viewer),
        APIOperation(method: "get", path: "/flows/{flow}/versions", summary: "Every version of a flow.", role: .viewer),
        APIOperation(method: "get", path: "/flows/{flow}/versions/{version}", summary: "One version of a flow with its source.", role: .viewer),
        APIOperation(method: "post", path: "/flows/{flow}/enable", summary: "Turn the flow's trigger on.", role: .builder),
        APIOperation(method: "post", path: "/flows/{flow}/disable", summary: "Turn the flow's trigger off.", role: .builder),
        APIOperation(
            method: "put", path: "/flows/{flow}/shapes/{shape}/skip", summary: "Set a shape's skip by deploying a new version.",
            role: .builder, body: object(["skip": boolean], required: ["skip"])),
        // Drafts and versions
        APIOperation(method: "get", path: "/drafts", summary: "Every flow's draft (who saved it, when, from which version).", role: .viewer),
        APIOperation(
            method: "post", path: "/drafts", summary: "Start a new flow as a draft: the text (YAML or JSON) names it; 201 with its problems.",
            role: .builder, body: anyFlowText, bodyType: "application/yaml", status: 201),
        APIOperation(
            method: "post", path: "/flows/validate",
            summary:
                "Every problem of a flow file's text with its path, as `skein flow validate` reports them, and its line in the text (null when not locatable).",
            role: .viewer, body: anyFlowText, bodyType: "application/yaml"),
        APIOperation(
            method: "get", path: "/flows/{flow}/draft",
            summary: "The flow's draft (saved: true), else its latest version's text, with the text's problems.", role: .viewer),
        APIOperation(
            method: "put", path: "/flows/{flow}/draft",
            summary: "Save the flow's draft (YAML or JSON text, kept verbatim even with problems); deployed versions are untouched.",
            role: .builder, body: anyFlowText, bodyType: "application/yaml"),
        APIOperation(method: "delete", path: "/flows/{flow}/draft", summary: "Discard the flow's draft.", role: .builder),
        APIOperation(
            method: "post", path: "/flows/{flow}/draft/edits",
            summary:
                "Apply canvas edits (set, set_trigger, skip, add, remove, move, duplicate) to the draft, all or nothing; 422 with located problems when an edit brings one in.",
            role: .builder,
            body: object(
                [
                    "edits": [
                        "type": "array", "minItems": 1, "maxItems": .number(Double(FlowEdit.maximumEdits)),
                        "items": object(["op": ["type": "string", "enum": .array(FlowEdit.operations.map(JSON.string))]], required: ["op"]),
                    ]
                ],
                required: ["edits"])),
        APIOperation(
            method: "post", path: "/flows/{flow}/draft/deploy",
            summary: "Deploy the draft as the next version (409 when a version was deployed since the draft was started, unless force).",
            role: .builder, body: object(["force": boolean]), bodyRequired: false, status: 201),
        APIOperation(
            method: "post", path: "/flows/{flow}/rollback",
            summary: "Deploy an old version's text as the next version (roll back to v1 makes v3).",
            role: .builder, body: object(["version": integer], required: ["version"]), status: 201),
        APIOperation(
            method: "get", path: "/flows/{flow}/diff",
            summary: "Two versions compared shape by shape (to absent: the draft, or the latest version).", role: .viewer,
            query: [.integer("from", "The older version.", 1...2_147_483_647), .integer("to", "The newer version.", 1...2_147_483_647)]),
        APIOperation(
            method: "get", path: "/schemas/flow",
            summary: "The JSON Schema (draft 2020-12) of flow files, generated from the shape specs (as `skein flow schema`).", role: .viewer),
        APIOperation(
            method: "get", path: "/schemas/shapes",
            summary: "The shape specs as JSON: each shape type's fields, kinds, defaults and rules (as `skein flow schema --specs`).",
            role: .viewer),
        APIOperation(
            method: "get", path: "/schedules/preview", summary: "The next times (UTC) a schedule trigger with this cron expression fires.",
            role: .viewer,
            query: [
                .string("cron", "A 5-field cron expression (minute hour day-of-month month day-of-week), UTC; required."),
                .integer("count", "How many fire times (default 5).", 1...CronSchedule.maximumPreview),
            ]),
        APIOperation(
            method: "post", path: "/flows/{flow}/preview",
            summary:
                "Try a shape's settings (saved or not; map, filter, assert, split or payload) on payload index of what its step received in run (default: the newest run that reached it); never sends anything.",
            role: .builder,
            body: object(["shape": anyObject, "run": integer, "index": integer], required: ["shape"])),
        APIOperation(
            method: "post", path: "/flows/{flow}/runs", summary: "Queue a run with given data (input JSON or input_text), entering at step.",
            role: .operator, body: object(["input": anyObject, "input_text": string, "content_type": string, "step": string]),
            bodyRequired: false, status: 202),
        // Instances
        APIOperation(method: "get", path: "/instances", summary: "Instances (credential names only).", role: .viewer),
        APIOperation(method: "get", path: "/instances/{name}", summary: "One instance (credential names only).", role: .viewer),
        APIOperation(
            method: "put", path: "/instances/{name}",
            summary: "Create or update an instance; credentials are write-only (omitted: kept; an empty value keeps the stored secret of that name).",
            role: .builder,
            body: object([
                "type": string, "address": string, "time_zone": string, "rate_limit": string,
                "timeout_ms": integer, "variables": anyObject, "settings": anyObject, "credentials": anyObject,
            ])),
        APIOperation(
            method: "delete", path: "/instances/{name}", summary: "Remove an instance (409 while a deployed flow uses it).", role: .builder, status: 204,
            responseType: nil),
        APIOperation(method: "post", path: "/instances/{name}/test", summary: "Check the system answers and accepts the credentials.", role: .operator),
        // Notification groups
        APIOperation(
            method: "get", path: "/alert-groups", summary: "Notification groups with the flows naming them (webhook URLs masked).",
            role: .viewer),
        APIOperation(
            method: "post", path: "/alert-groups", summary: "Create a notification group (409 when the name is taken).", role: .builder,
            body: alertGroup(required: ["name"]), status: 201),
        APIOperation(method: "get", path: "/alert-groups/{name}", summary: "One notification group (webhook URLs masked).", role: .viewer),
        APIOperation(
            method: "put", path: "/alert-groups/{name}",
            summary: "Replace a group's email addresses and smtp instance, and its webhook URLs when sent (omitted: kept).", role: .builder,
            body: alertGroup(required: [])),
        APIOperation(
            method: "delete", path: "/alert-groups/{name}", summary: "Delete a notification group.", role: .builder, status: 204,
            responseType: nil),
        // Blueprints
        APIOperation(
            method: "get", path: "/blueprints", summary: "Blueprints: what each connects and creates.",
            role: .viewer),
        APIOperation(
            method: "get", path: "/blueprints/{name}",
            summary: "One blueprint: its settings, credentials, instances, lookups (with rows) and flows.", role: .viewer),
        APIOperation(
            method: "post", path: "/blueprints/{name}/install",
            summary:
                "Install a blueprint: instances (credentials write-only), lookups, flows deployed disabled; refused with nothing changed when something is missing or taken (unless replace).",
            role: .builder, body: object(["settings": anyObject, "credentials": anyObject, "addresses": anyObject, "replace": boolean]),
            bodyRequired: false, status: 201),
        // Lookups
        APIOperation(method: "get", path: "/lookups", summary: "Lookup tables with their row counts and defaults.", role: .viewer),
        APIOperation(
            method: "post", path: "/lookups", summary: "Create a lookup table (name taken: 409).", role: .builder,
            body: object(["name": string, "description": optionalString, "default": optionalString, "rows": lookupRows], required: ["name"]), status: 201),
        APIOperation(method: "get", path: "/lookups/{name}", summary: "A lookup table with its rows.", role: .viewer),
        APIOperation(
            method: "put", path: "/lookups/{name}", summary: "Create or replace a lookup table whole: description, default and rows.",
            role: .builder, body: object(["description": optionalString, "default": optionalString, "rows": lookupRows])),
        APIOperation(method: "delete", path: "/lookups/{name}", summary: "Delete a lookup table and its rows.", role: .builder, status: 204, responseType: nil),
        APIOperation(
            method: "get", path: "/lookups/{name}/rows.csv", summary: "A lookup table's rows as CSV (header left,right).", role: .viewer,
            responseType: "text/csv"),
        APIOperation(
            method: "post", path: "/lookups/{name}/rows.csv",
            summary: "Import CSV (header left,right; at most 5 MB): adds rows and updates right values, deletes none.",
            role: .builder, body: string, bodyType: "text/csv"),
        // Runs
        APIOperation(method: "get", path: "/runs", summary: "Runs, newest first, filtered; keyset pages.", role: .viewer, query: runFilters),
        APIOperation(method: "get", path: "/runs/{run}", summary: "A run with its steps and follow-up runs.", role: .viewer),
        APIOperation(method: "get", path: "/runs/{run}/steps", summary: "A run's steps with timings, counts and errors.", role: .viewer),
        APIOperation(method: "post", path: "/runs/{run}/stop", summary: "Stop a queued or running run before its next step.", role: .operator, status: 202),
        APIOperation(
            method: "post", path: "/runs/{run}/replay", summary: "Queue a new run from a stored payload of a step.", role: .operator,
            body: object(
                [
                    "step": string, "index": integer, "item": integer, "where": string, "at": ["type": "string", "enum": ["next", "same"]],
                    "version": versionChoice, "current": boolean,
                ], required: ["step"]), status: 202),
        APIOperation(
            method: "post", path: "/runs/{run}/retry", summary: "Queue a re-run of a failed run from its failed step (or from the start).",
            role: .operator,
            body: object([
                "from": ["type": "string", "enum": ["failed_step", "start"]], "version": versionChoice,
                "current": boolean,
            ]), bodyRequired: false, status: 202),
        APIOperation(
            method: "post", path: "/runs/retry", summary: "Queue a retry of every failed run of a filter not yet retried or replayed.",
            role: .operator,
            body: object([
                "flow": string, "from": string, "to": string, "days": integer, "trigger": string,
                "version": versionChoice,
            ]), bodyRequired: false, status: 202),
        APIOperation(
            method: "get", path: "/runs/retry/preview", summary: "What a retry of every failed run of the filter would do.",
            role: .viewer, query: runFilters),
        APIOperation(
            method: "get", path: "/failures", summary: "Failed runs of a window grouped by error, the largest group first.",
            role: .viewer, query: runFilters),
        APIOperation(
            method: "get", path: "/runs/{run}/steps/{step}/payloads",
            summary: "The payloads a step produced (step: shape id, number or input), found by reference, text or JSONata condition, a page at a time.",
            role: .viewer,
            query: [
                .string("reference", "A value the payload holds anywhere in its JSON (string in any case, or a number's text)."),
                .string("text", "Text the stored payload contains (any case)."),
                .string("where", "A JSONata condition on the payload's JSON."),
                .integer("offset", "Skip this many matches (the previous answer's next_offset).", 0...Int.max),
                .integer("limit", "1 to 1000 (default 1000).", 1...PayloadSearch.maximumLimit),
            ]),
        APIOperation(
            method: "get", path: "/runs/{run}/steps/{step}/payloads/{index}", summary: "A payload for viewing: pretty JSON, trimmed past limit.",
            role: .viewer,
            query: [
                .integer("limit", "Bytes to show (default 65536).", 1...(100 * 1024 * 1024)),
                .integer("offset", "Where the view starts, in bytes (default 0).", 0...Int.max),
            ]),
        APIOperation(
            method: "get", path: "/runs/{run}/steps/{step}/payloads/{index}/raw", summary: "Download a payload byte for byte.",
            role: .viewer, responseType: "application/octet-stream"),
        // Sync report
        APIOperation(method: "get", path: "/sync", summary: "Sync entries, filtered and sorted; keyset pages.", role: .viewer, query: syncFilters),
        APIOperation(method: "get", path: "/sync/counts", summary: "How many entries of the window have each status.", role: .viewer, query: syncFilters),
        APIOperation(
            method: "get", path: "/sync/csv", summary: "Every matching entry as CSV, streamed.", role: .viewer, query: syncFilters,
            responseType: "text/csv"),
        APIOperation(
            method: "post", path: "/sync/resync", summary: "Send entries again: ids, or every entry matching filter.", role: .operator,
            body: object(["ids": ["type": "array", "items": ["type": "integer"]], "filter": anyObject, "include_ok": boolean])),
        APIOperation(
            method: "post", path: "/sync/resync/preview", summary: "What a resync would send: counts by status, and how many.",
            role: .viewer, body: object(["ids": ["type": "array", "items": ["type": "integer"]], "filter": anyObject, "include_ok": boolean])),
        APIOperation(method: "get", path: "/sync/{id}", summary: "One sync entry with the payload sent.", role: .viewer),
        APIOperation(method: "get", path: "/sync/{id}/transitions", summary: "An entry's status history.", role: .viewer),
        APIOperation(
            method: "get", path: "/sync/{id}/attempts",
            summary:
                "Every attempt to send the entry: time, status after it, reason, the destination's answer (at most 2,000 characters), endpoint id, whether someone asked for it.",
            role: .viewer),
        // Expressions
        APIOperation(
            method: "post", path: "/expr", summary: "Evaluate a JSONata expression on inline input or a stored payload.", role: .viewer,
            body: object(
                [
                    "expression": ["type": "string", "minLength": 1], "input": [:], "bindings": anyObject,
                    "timeout_ms": ["type": "integer", "minimum": 1, "maximum": 5000],
                    "max_depth": ["type": "integer", "minimum": 1, "maximum": 10000],
                    "payload": object(["run": integer, "step": string, "index": integer], required: ["run"]),
                ],
                required: ["expression"])),
        // Access (admin)
        APIOperation(method: "get", path: "/users", summary: "Users and their roles.", role: .admin),
        APIOperation(
            method: "post", path: "/users", summary: "Add a user.", role: .admin,
            body: object(["username": string, "password": string, "role": string], required: ["username", "password"]), status: 201),
        APIOperation(
            method: "patch", path: "/users/{name}", summary: "Change a user's role and/or password.", role: .admin,
            body: object(["role": string, "password": string])),
        APIOperation(
            method: "delete", path: "/users/{name}", summary: "Remove a user with their sessions and tokens.", role: .admin, status: 204,
            responseType: nil),
        APIOperation(method: "get", path: "/tokens", summary: "API tokens (never their values).", role: .admin),
        APIOperation(
            method: "post", path: "/tokens", summary: "Create an API token; the answer holds it once.", role: .admin,
            body: object(["name": string, "username": string, "role": string], required: ["name"]), status: 201),
        APIOperation(method: "delete", path: "/tokens/{id}", summary: "Revoke a token.", role: .admin, status: 204, responseType: nil),
        APIOperation(
            method: "get", path: "/audit", summary: "The audit log, newest first.", role: .admin,
            query: [
                .string("actor", "Only this actor."), .string("action", "An action, or a prefix ending in '.'."),
                .integer("before", "Keyset page: entries older than this id.", 0...Int.max),
                .integer("limit", "1 to 500 (default 50).", 1...500),
            ]),
    ]

    /// The methods (uppercase) documented for a request path such as `/api/v1/runs/12`; empty when none matches.
    static func methods(forPath path: String) -> [String] {
        guard path.hasPrefix("/api/v1/") else { return [] }
        let parts = path.dropFirst("/api/v1".count).split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        // Like the router, a literal segment wins over a parameter (/sync/resync over /sync/{id}).
        let matches = operations.compactMap { operation -> (APIOperation, Int)? in
            let pattern = operation.path.split(separator: "/")
            guard pattern.count == parts.count, zip(pattern, parts).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) else { return nil }
            return (operation, pattern.filter { !$0.hasPrefix("{") }.count)
        }
        let best = matches.map(\.1).max() ?? 0
        return matches.filter { $0.1 == best }.map { $0.0.method.uppercased() }
    }

    static func parameter(_ parameter: APIOperation.Parameter) -> JSON {
        let schema: JSON, description: String
        var explode = false
        switch parameter {
        case .string(_, let text): schema = string; description = text
        case .date(_, let text): schema = ["type": "string", "format": "date"]; description = text
        case .choice(_, let text, let values): schema = ["type": "string", "enum": .array(values.map(JSON.string))]; description = text
        case .integer(_, let text, let range):
            var bounds: JSON.Object = ["type": "integer", "minimum": APIJSON.number(range.lowerBound)]
            if range.upperBound != Int.max { bounds["maximum"] = APIJSON.number(range.upperBound) }
            schema = .object(bounds)
            description = text
        case .boolean(_, let text): schema = boolean; description = text
        case .strings(_, let text, let values): schema = strings(values); description = text; explode = true
        }
        var object: JSON.Object = [
            "name": .string(parameter.name), "in": "query", "required": false, "description": .string(description),
            "schema": schema,
        ]
        // A number, date or flag sent empty (`?before=&limit=`, as web forms send their empty
        // fields) is the same as leaving it out: the API takes it rather than refusing it.
        switch parameter {
        case .integer, .date, .boolean: object["allowEmptyValue"] = true
        default: break
        }
        if explode { object["explode"] = true; object["style"] = "form" }
        return .object(object)
    }

    static func operation(_ operation: APIOperation) -> JSON {
        var parameters: [JSON] = operation.pathParameters.map { parameter in
            [
                "name": .string(parameter.name), "in": "path", "required": true,
                "schema": parameter.integer ? ["type": "integer", "format": "int64"] : ["type": "string", "minLength": 1],
            ]
        }
        parameters += operation.query.map(Self.parameter)
        var success: JSON.Object = ["description": "Success."]
        if let type = operation.responseType {
            success["content"] = .object([type: type == "application/json" ? ["schema": anyObject] : ["schema": string]])
        }
        var responses: JSON.Object = [String(operation.status): .object(success)]
        // Deploy answers 200 for an unchanged flow as well.
        if operation.status == 201 && ["/flows", "/flows/{flow}/draft/deploy", "/flows/{flow}/rollback"].contains(operation.path) {
            responses["200"] = .object(success)
        }
        // A PUT of a lookup table answers 201 when it created the table.
        if operation.method == "put" && operation.path == "/lookups/{name}" { responses["201"] = .object(success) }
        responses["default"] = [
            "description": "An error: {\"error\": {\"code\", \"message\", \"field\"?}}.",
            "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
        ]
        var object: JSON.Object = [
            "operationId": .string(
                operation.method
                    + operation.path.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "{", with: "")
                    .replacingOccurrences(of: "}", with: "").replacingOccurrences(of: ".", with: "_")),
            "summary": .string(operation.summary),
            "description": .string("Needs the \(operation.role.rawValue) role or higher."),
            "x-skein-role": .string(operation.role.rawValue),
            "responses": .object(responses),
        ]
        if !parameters.isEmpty { object["parameters"] = .array(parameters) }
        if let body = operation.body {
            object["requestBody"] = ["required": .bool(operation.bodyRequired), "content": .object([operation.bodyType: ["schema": body]])]
        }
        return .object(object)
    }

    static var json: JSON {
        var paths = JSON.Object()
        for operation in operations {
            var item = paths[operation.path]?.objectValue ?? [:]
            item[operation.method] = Self.operation(operation)
            paths[operation.path] = .object(item)
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Skein API", "version": "1",
                "description":
                    "Flows, instances, blueprints, notification groups, runs, payloads, recovery, the sync report, expressions and access. See docs/api.md.",
            ],
            "servers": [["url": "/api/v1"]],
            "security": [["bearerAuth": []], ["sessionCookie": []]],
            "paths": .object(paths),
            "components": [
                "securitySchemes": [
                    "bearerAuth": ["type": "http", "scheme": "bearer", "description": "An API token (skein token create)."],
                    "sessionCookie": [
                        "type": "apiKey", "in": "cookie", "name": .string(AccessSettings.sessionCookie),
                        "description": "A browser session from POST /login; unsafe methods also need X-CSRF-Token.",
                    ],
                ],
                "schemas": [
                    "Error": [
                        "type": "object", "required": ["error"],
                        "properties": [
                            "error": [
                                "type": "object", "required": ["code", "message"],
                                "properties": [
                                    "code": ["type": "string"], "message": ["type": "string"], "field": ["type": "string"], "details": [:],
                                ],
                            ]
                        ],
                    ]
                ],
            ],
        ]
    }
}

/// `GET /api/v1/openapi.json`.
struct OpenAPIController: Sendable {
    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("openapi.json") { _, context in
            _ = try context.require(.viewer)
            return JSONResponse.ok(OpenAPIDocument.json)
        }
    }
}
