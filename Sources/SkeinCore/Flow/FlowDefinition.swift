public import SkeinJSON

/// A process flow as written in a flow file: what starts it and the shapes its data goes through.
///
/// Flow files are YAML or JSON that a person writes by hand and keeps in git; docs/flows.md
/// documents the schema. `FlowDecoder` turns a file into this value, reporting every problem
/// with its path.
public struct FlowDefinition: Sendable, Equatable {
    /// A stable identifier (`orders-to-erp`): lowercase letters, digits, `-` and `_`.
    public var id: String
    public var name: String
    /// The version the file says it is, if it says; the store numbers deployed versions itself.
    public var version: Int?
    public var description: String?
    public var trigger: Trigger
    /// Queue priority, 1 (highest) to 5 (lowest); 3 by default.
    public var priority: Int
    /// How often a Pending sync entry is retried before it is marked Failed.
    public var syncRetries: Int
    /// At most this many runs of the flow execute at once across every worker (`max_concurrent_runs`);
    /// nil means no limit. Further runs wait queued.
    public var maxConcurrentRuns: Int?
    /// The notification groups told of failures (`alerts:`).
    public var alerts: FlowAlerts
    public var shapes: [ShapeDefinition]
    /// Flow variables with their starting values (`variables:` in the file), visible to every
    /// shape as `$name` in JSONata and `{{name}}` in connector templates; `set_variables` changes them.
    public var variables: [String: JSON]

    public init(
        id: String, name: String, version: Int? = nil, description: String? = nil, trigger: Trigger = .manual,
        priority: Int = 3, syncRetries: Int = 4, maxConcurrentRuns: Int? = nil, shapes: [ShapeDefinition],
        variables: [String: JSON] = [:], alerts: FlowAlerts = FlowAlerts()
    ) {
        self.alerts = alerts
        self.variables = variables
        self.id = id
        self.name = name
        self.version = version
        self.description = description
        self.trigger = trigger
        self.priority = priority
        self.syncRetries = syncRetries
        self.maxConcurrentRuns = maxConcurrentRuns
        self.shapes = shapes
    }

    /// The index of the top-level shape with `id`, if any (`shape(withID:)` searches the whole tree).
    public func shapeIndex(of id: String) -> Int? { shapes.firstIndex { $0.id == id } }
}

/// What starts a flow. Every flow can also be run by hand and through the API.
public enum Trigger: Sendable, Equatable {
    /// Runs only when someone starts it (CLI, UI, API).
    case manual
    /// Runs started by programs through the REST API.
    case api
    /// Runs on a 5-field cron schedule, in UTC.
    case schedule(CronSchedule)
    /// Runs for every request to `POST /webhooks/{flow}/{token}`.
    case webhook(WebhookSettings)

    public var kind: String {
        switch self {
        case .manual: "manual"
        case .api: "api"
        case .schedule: "schedule"
        case .webhook: "webhook"
        }
    }
}

public struct WebhookSettings: Sendable, Equatable {
    /// The secret part of the webhook URL.
    public var token: String
    /// When set, requests must carry `X-Skein-Signature: sha256=<hex HMAC-SHA256 of the body>`
    /// computed with the secret held in this environment variable.
    public var hmacSecretEnvironmentVariable: String?
    /// Bodies above this size are refused with 413.
    public var maximumBodyBytes: Int?
    /// A callback (synchronous) webhook: the caller waits for the run and gets a step's payloads as the answer.
    public var respond: WebhookResponse?
    /// Where a delivery's identity is, so that a repeat within the window starts nothing (`WebhookDedupe`).
    public var dedupe: WebhookDedupe?

    public init(
        token: String, hmacSecretEnvironmentVariable: String? = nil, maximumBodyBytes: Int? = nil, respond: WebhookResponse? = nil,
        dedupe: WebhookDedupe? = nil
    ) {
        self.token = token
        self.hmacSecretEnvironmentVariable = hmacSecretEnvironmentVariable
        self.maximumBodyBytes = maximumBodyBytes
        self.respond = respond
        self.dedupe = dedupe
    }
}

/// `respond:` on a webhook trigger: the HTTP caller waits (up to `timeout`) for the run to finish
/// and is answered with the payloads of step `stepID` (by default the flow's last top-level shape).
///
/// ```yaml
/// trigger: { webhook: { token: ..., respond: { step: quote, timeout: 20s } } }
/// ```
public struct WebhookResponse: Sendable, Equatable {
    /// The shape whose output payloads answer the caller; filled with the last top-level shape when not written.
    public var stepID: String
    /// How long the caller waits before getting 202 with the run id instead.
    public var timeout: Duration

    public static let defaultTimeout: Duration = .seconds(30)
    public static let maximumTimeout: Duration = .seconds(300)

    public init(stepID: String, timeout: Duration = WebhookResponse.defaultTimeout) {
        self.stepID = stepID
        self.timeout = timeout
    }
}

/// One step of a flow: a shape of some type with its settings.
public struct ShapeDefinition: Sendable, Equatable {
    /// Unique within the flow; names the step in run logs and `--from-step`.
    public var id: String
    /// The shape type (`connector`, `map`, `filter`, `assert`, `split`, `payload`, …).
    public var type: String
    public var name: String?
    /// A skipped shape does nothing: its input passes through unchanged, and the step is logged as skipped.
    public var skip: Bool
    public var retry: RetryPolicy?
    /// The type-specific settings, checked by the shape type's own reader.
    public var settings: JSON
    /// For `route`, `branch` and `try`: the child sequences that make the flow a tree (FlowTree.swift).
    public var structure: ShapeStructure?

    public init(
        id: String, type: String, name: String? = nil, skip: Bool = false, retry: RetryPolicy? = nil, settings: JSON = [:],
        structure: ShapeStructure? = nil
    ) {
        self.id = id
        self.type = type
        self.name = name
        self.skip = skip
        self.retry = retry
        self.settings = settings
        self.structure = structure
    }
}

/// How a step is retried after a transient error (a refused connection, a timeout, a 5xx).
///
/// `attempts` counts every try, so 3 means one try and two retries. The wait before retry
/// `n` is `backoff × 2^(n-1)`, capped at `maximumBackoff`; a `Retry-After` from the system wins.
public struct RetryPolicy: Sendable, Equatable {
    public var attempts: Int
    public var backoff: Duration
    public var maximumBackoff: Duration

    public init(attempts: Int = 3, backoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(60)) {
        self.attempts = attempts
        self.backoff = backoff
        self.maximumBackoff = maximumBackoff
    }

    /// One try, no retries.
    public static let never = RetryPolicy(attempts: 1)

    /// The wait before try number `attempt + 1`, after try `attempt` (from 1) failed.
    public func delay(after attempt: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter { return min(retryAfter, maximumBackoff) }
        var delay = backoff
        for _ in 1..<max(attempt, 1) {
            delay = delay * 2
            if delay >= maximumBackoff { return maximumBackoff }
        }
        return min(delay, maximumBackoff)
    }
}
