import SkeinJSON

/// The spec of a flow file outside the shapes' own settings: the top-level keys, the trigger,
/// the keys every shape entry has, and the structural shapes (`route`, `branch`, `try`) whose
/// settings hold further shapes. `FlowDecoder` validates with it; the JSON Schema, the docs and
/// the browser read it.
public enum FlowSpec {
    /// Flow ids, shape ids and branch names: lowercase letters, digits, `-` and `_`, starting
    /// with a letter or digit, at most 100 characters.
    public static let identifierPattern = "^[a-z0-9][a-z0-9_-]{0,99}$"

    static func identifier(_ message: String) -> TextRules {
        TextRules(pattern: identifierPattern, patternMessage: message)
    }

    /// `retry:` on a shape entry.
    public static let retry = ObjectSpec([
        FieldSpec(
            "attempts", .integer(1...100), default: .int(RetryPolicy().attempts),
            help: "Every try counts, so 3 means one try and two retries."),
        FieldSpec(
            "backoff", .duration(.any), default: .duration(RetryPolicy().backoff),
            help: "The wait before the first retry; it doubles for each retry after."),
        FieldSpec(
            "max_backoff", .duration(.any), default: .duration(RetryPolicy().maximumBackoff),
            help: "The longest wait between tries. A `Retry-After` from the system wins over both."),
    ])

    /// The keys every shape entry has besides its type key.
    public static let shapeEntry = ObjectSpec([
        FieldSpec(
            "id", .text(.string, identifier("'{value}' must be lowercase letters, digits, '-' and '_'")), required: true,
            help: "Unique in the flow (across the whole tree); names the step in run logs, `--from-step` and `payload show`."),
        FieldSpec("name", .string, help: "A label for people."),
        FieldSpec("description", .string, help: "What the shape is for."),
        FieldSpec(
            "skip", .boolean, default: false,
            help: "A skipped shape does nothing: its input passes through unchanged and the step is logged as skipped."),
        FieldSpec(
            "retry", .object(retry),
            help: "Retries after transient errors only (refused connections, timeouts, HTTP 408/429/5xx); other errors fail the step at once."),
    ])

    /// `respond:` of a webhook trigger (a callback webhook).
    public static let respond = FieldKind.anyOf([
        .boolean,
        .object([
            FieldSpec("step", .step, help: "The shape whose output payloads answer the caller; default: the flow's last top-level shape."),
            FieldSpec(
                "timeout", .duration(.positive(atMost: WebhookResponse.maximumTimeout)),
                default: .duration(WebhookResponse.defaultTimeout),
                help: "How long the caller waits; after it, the answer is 202 with the run id and the run carries on."),
        ]),
    ])

    /// `dedupe:` of a webhook trigger: where a delivery's identity is (`WebhookDedupe`).
    public static let dedupe = ObjectSpec(
        [
            FieldSpec(
                "header",
                .text(
                    .string,
                    TextRules(
                        pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
                        patternMessage: "give a header name such as Idempotency-Key or X-Shopify-Webhook-Id")),
                help: "The request header holding the identity, e.g. `Idempotency-Key` or `X-Shopify-Webhook-Id` (any case)."),
            FieldSpec(
                "expression", .text(.expression, TextRules()),
                help: "JSONata on the JSON body giving the identity (a string or number), e.g. `$.id & '-' & $.updated_at`."),
            FieldSpec(
                "window", .duration(.positive(atMost: WebhookDedupe.maximumWindow)), default: .duration(WebhookDedupe.defaultWindow),
                help: "How long an identity is remembered; a repeat within it starts nothing and is answered like the first (at most 30 days)."),
        ],
        rules: [
            .exactlyOne(
                ["header", "expression"],
                whenNone: RuleMessage("", "give header: or expression: (where the delivery's identity is)"),
                whenSeveral: RuleMessage("", "give header: or expression:, not both"))
        ])

    /// `trigger: {webhook: …}`.
    public static let webhook = ObjectSpec([
        FieldSpec(
            "token",
            .text(
                .secret,
                TextRules(
                    pattern: "^[A-Za-z0-9_-]{16,}$",
                    patternMessage: "use at least 16 letters, digits, '-' or '_' (e.g. the output of `openssl rand -hex 16`)")),
            required: true,
            help: "The secret part of the URL `POST /webhooks/{flow}/{token}`; use a long random value (`openssl rand -hex 16`)."),
        FieldSpec(
            "hmac_secret_env", .environmentVariable,
            help:
                "An environment variable of `skein serve` holding a shared secret; requests must then carry `X-Skein-Signature: sha256=<hex HMAC-SHA256 of the body>`."
        ),
        FieldSpec(
            "max_body_bytes", .integer(1...(1 << 40)),
            help: "Bodies above this size are refused with 413 (default: `skein serve --max-webhook-bytes`, 50 MB)."),
        FieldSpec(
            "respond", respond,
            help: "A callback webhook: the caller waits for the run and gets a step's payloads as the answer. `true` uses the defaults."),
        FieldSpec(
            "dedupe", .object(dedupe),
            help:
                "Where a delivery's identity is (`header:` or `expression:`); a repeat within `window:` (default 24h) starts nothing and is answered like the first."
        ),
    ])

    /// What starts the flow: `manual` (default), `api`, `{schedule: "cron"}` or `{webhook: {…}}`.
    public static let trigger = FieldKind.anyOf(
        [
            .choice([
                Choice("manual", help: "Runs when someone starts it (CLI, API, UI)."),
                Choice("api", help: "Runs started by programs through the REST API."),
            ]),
            .object(
                ObjectSpec(
                    [
                        FieldSpec(
                            "schedule", .cron,
                            help:
                                "A 5-field cron expression (`minute hour day-of-month month day-of-week`) in UTC; each tick fires once even with several schedulers."
                        ),
                        FieldSpec("webhook", .object(webhook), help: "Runs for every request to `POST /webhooks/{flow}/{token}`."),
                        FieldSpec("manual", .anyJSON, help: "The same as `trigger: manual`."),
                        FieldSpec("api", .anyJSON, help: "The same as `trigger: api`."),
                    ],
                    rules: [
                        .exactlyOne(
                            ["schedule", "webhook", "manual", "api"],
                            whenNone: RuleMessage("", "give one of schedule:, webhook:, manual: or api:"),
                            whenSeveral: RuleMessage("", "give only one trigger, found {given}"))
                    ])),
        ], mismatch: "expected manual, api, {schedule: ...} or {webhook: ...}, found {found}")

    /// A variable name: `$name` reads it in JSONata, so letters, digits and `_`, not starting
    /// with a digit; `vars` is reserved for `$vars`.
    public static let variableName = TextRules(
        pattern: "^[A-Za-z_][A-Za-z0-9_]{0,99}$",
        patternMessage: "'{value}' is not a variable name: use letters, digits and _, starting with a letter or _",
        check: TextCheck { $0 == "vars" ? "'vars' is reserved: $vars holds all variables as one object" : nil })

    /// `alerts:`: the notification groups (`skein alert-group`) told of this flow's failures.
    public static let alerts = ObjectSpec([
        FieldSpec(
            "on_failure", .list(.text(.string, identifier("'{value}' is not a group name: lowercase letters, digits, '-' and '_'"))),
            help: "Groups alerted when a run of the flow ends failed."),
        FieldSpec(
            "on_sync_failed", .list(.text(.string, identifier("'{value}' is not a group name: lowercase letters, digits, '-' and '_'"))),
            help: "Groups alerted when a sync report entry of the flow turns Failed (its retries used up)."),
    ])

    /// The top level of a flow file.
    public static let document = ObjectSpec([
        FieldSpec(
            "id", .text(.string, identifier("'{value}' must be lowercase letters, digits, '-' and '_', starting with a letter or digit")),
            required: true, help: "A stable identifier: lowercase letters, digits, `-` and `_`."),
        FieldSpec("name", .string, help: "A name for people; default: the id."),
        FieldSpec(
            "version", .integer(1...1_000_000),
            help: "The version the file says it is; the store numbers deployed versions itself."),
        FieldSpec("description", .string, help: "What the flow does."),
        FieldSpec(
            "priority", .integer(1...5), default: 3,
            help: "Queue priority, 1 (highest) to 5 (lowest): queued runs are picked up by priority, oldest first within one."),
        FieldSpec(
            "sync_retries", .integer(0...100), default: 4,
            help: "How often a Pending sync report entry is retried before it is marked Failed."),
        FieldSpec(
            "max_concurrent_runs", .integer(1...10_000),
            help: "At most this many runs of the flow execute at once across every worker; further runs wait queued. No limit by default."),
        FieldSpec(
            "alerts", .object(alerts),
            help:
                "Who hears of failures: notification groups (`skein alert-group`), rate-limited per flow and group with a digest. See docs/operations.md, \"Alerts\"."
        ),
        FieldSpec(
            "trigger", trigger, default: "manual",
            help: "What starts the flow: `manual`, `api`, `{schedule: \"*/5 * * * *\"}` or `{webhook: {token: …}}`. Every flow can also be run by hand."),
        FieldSpec(
            "variables", .dictionary(DictionarySpec(keyName: "variable name", keys: variableName, value: .anyJSON)),
            help:
                "Flow variables with their starting values (literal JSON), read as `$name` in JSONata and `{{name}}` in connector templates; `set_variables` changes them."
        ),
        FieldSpec(
            "shapes", .shapes(ListRules(minimum: 1, tooFew: "a flow needs at least one shape")), required: true,
            help: "The shapes the payloads go through, in order. Each is an entry with an `id` and one shape type key holding its settings."),
    ])

    static func uniqueBranchNames(_ settings: ValidSettings) {
        var names: Set<String> = [RouteBlock.otherwiseName]
        for branch in settings.optional.list("branches") ?? [] {
            guard let branch = branch.object, let name = branch.optional.string("name") else { continue }
            if !names.insert(name).inserted {
                branch.report(
                    "name",
                    name == RouteBlock.otherwiseName
                        ? "'otherwise' is the name of the route's otherwise part; choose another"
                        : "'\(name)' is already the name of another branch")
            }
        }
    }

    static let branchName = FieldSpec(
        "name", .text(.string, identifier("'{value}' must be lowercase letters, digits, '-' and '_'")),
        required: true,
        help: "Names the branch in step paths (`route-orders/uk/uk-send`); unique in the shape, and not `otherwise`.")

    /// `route`, `branch` and `try`: the shapes that make a flow a tree.
    public static let structures: [ShapeSpec] = [
        ShapeSpec(
            type: "route", category: .flowControl, summary: "Send each payload down the branches whose JSONata condition holds.",
            settings: ObjectSpec(
                [
                    FieldSpec(
                        "mode",
                        .choice([
                            Choice("all", help: "A payload goes down every branch whose condition holds."),
                            Choice("first", help: "A payload goes down the first branch whose condition holds."),
                        ]), default: .string(RouteBlock.Mode.all.rawValue), help: "Which of the matching branches get a payload."),
                    FieldSpec(
                        "branches",
                        .list(
                            .object([
                                branchName,
                                FieldSpec("condition", .expression, help: "JSONata on the payload; left out, the branch takes every payload."),
                                FieldSpec(
                                    "shapes", .shapes(ListRules(minimum: 1, tooFew: "give at least one shape")), required: true,
                                    help: "The branch's shapes."),
                            ]), minimum: 1, tooFew: "give at least one branch"), required: true, help: "The branches, in order."),
                    FieldSpec(
                        "otherwise", .shapes(ListRules(minimum: 1, tooFew: "give at least one shape, or leave otherwise out")),
                        help: "Shapes for the payloads no branch took; without it they go no further (counted in a warning)."),
                ], rules: [.check(ObjectCheck("Branch names are unique and not `otherwise`.", uniqueBranchNames))]),
            example: """
                - id: route-orders
                  route:
                    mode: first
                    branches:
                      - name: uk
                        condition: shipping_address.country_code = "GB"
                        shapes:
                          - { id: uk-send, http: { instance: uk-erp, direction: send, path: /orders } }
                    otherwise:
                      - { id: eu-send, http: { instance: eu-erp, direction: send, path: /orders } }
                """),
        ShapeSpec(
            type: "branch", category: .flowControl, summary: "Run several paths one after another, each with the same input.",
            settings: ObjectSpec(
                [
                    FieldSpec(
                        "branches",
                        .list(
                            .object([
                                branchName,
                                FieldSpec(
                                    "shapes", .shapes(ListRules(minimum: 1, tooFew: "give at least one shape")), required: true,
                                    help: "The branch's shapes."),
                            ]), minimum: 1, tooFew: "give at least one branch"), required: true,
                        help: "The branches; each gets the whole input, and one finishes before the next starts.")
                ], rules: [.check(ObjectCheck("Branch names are unique and not `otherwise`.", uniqueBranchNames))]),
            example: """
                - id: stock-fan-out
                  branch:
                    branches:
                      - name: shop
                        shapes: [ { id: shop-send, http: { instance: shop, direction: send, path: /inventory } } ]
                      - name: marketplace
                        shapes: [ { id: market-send, http: { instance: market, direction: send, method: PUT, path: /stock } } ]
                """),
        ShapeSpec(
            type: "try", category: .flowControl,
            summary: "Send the payloads that fail in its shapes to its catch shapes instead of failing the run.",
            settings: ObjectSpec([
                FieldSpec(
                    "shapes", .shapes(ListRules(minimum: 1, tooFew: "give at least one shape to try")), required: true,
                    help: "The try part; it runs payload by payload."),
                FieldSpec(
                    "catch", .shapes(ListRules(minimum: 1, tooFew: "give at least one shape to handle the failed payloads")),
                    required: true,
                    help: "The catch part: it gets `{payload, error: {step, path, message}}` for each failed payload; the run ends partial_success."),
            ]),
            example: """
                - id: safe-send
                  try:
                    shapes:
                      - { id: to-erp, http: { instance: erp, direction: send, path: /orders } }
                    catch:
                      - { id: park, map: { fields: { order: payload.name, reason: error.message } } }
                """),
    ]
}
