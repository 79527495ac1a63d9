public import SkeinJSON

/// A type of shape (`map`, `filter`, `http`, …): its spec says what its settings are, and it
/// builds an executor from settings that passed the spec.
///
/// The spec is the single description of the settings: `prepare` checks a flow file's settings
/// against it (`SpecValidator`), and `make` reads the typed configuration only from what passed,
/// so `skein flow validate`, the JSON Schema, the docs and the browser's forms cannot disagree
/// with what runs. Validation and building happen in one call, so the code that validates a flow
/// file is the code that runs it.
public protocol ShapeKind: Sendable {
    /// The shape's settings, as data.
    var spec: ShapeSpec { get }
    /// Builds the executor from settings the spec has validated. It may still report problems
    /// only code can find (on `settings`) and return nil.
    func make(_ settings: ValidSettings) -> (any ShapeExecutor)?
}

extension ShapeKind {
    /// The key that names this type in flow files.
    public var type: String { spec.type }
    /// One line for docs and the UI.
    public var summary: String { spec.summary }

    /// Checks `settings` against the spec, recording problems on the reader's list, and builds
    /// the executor when there were none.
    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let before = settings.problems.problems.count
        let valid = SpecValidator(problems: settings.problems).members(settings.members, spec.settings, path: settings.path, setting: spec.type)
        guard settings.problems.problems.count == before else { return nil }
        let executor = make(valid)
        return settings.problems.problems.count == before ? executor : nil
    }
}

/// A shape ready to run: it turns the payloads a step receives into the payloads it passes on.
public protocol ShapeExecutor: Sendable {
    func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult
}

/// What a step produced, besides its payloads: warnings and a record of calls to other systems.
public struct ShapeResult: Sendable {
    public var outputs: [Payload]
    public var warnings: [String]
    /// One JSON object per request made (method, URL, headers with secrets redacted, status, bodies).
    public var calls: [JSON]
    /// Send steps with a `sync:` block: one per item they tried to deliver, whatever happened,
    /// so the engine can keep a sync report entry for each.
    public var syncItems: [SyncItem]
    /// The flow variables from this step on, when the step changed them (`set_variables`).
    public var variables: [String: JSON]?
    /// Facts to keep on the step's record (e.g. the runs a `run_flow` step started), as a JSON object.
    public var details: JSON?

    public init(
        outputs: [Payload], warnings: [String] = [], calls: [JSON] = [], syncItems: [SyncItem] = [],
        variables: [String: JSON]? = nil, details: JSON? = nil
    ) {
        self.outputs = outputs
        self.warnings = warnings
        self.calls = calls
        self.syncItems = syncItems
        self.variables = variables
        self.details = details
    }
}

/// What a shape knows about the run it is part of.
public struct ShapeContext: Sendable {
    public var runID: RunID
    public var flowID: String
    public var shapeID: String
    /// 1 for the first try of this step, 2 for the first retry, …
    public var attempt: Int
    /// Flow variables visible to the shape.
    public var variables: [String: JSON]
    /// Receives calls made so far, so a failing step still shows its requests and responses.
    public var recorder: CallRecorder
    /// Where connector shapes find the instances they name.
    public var instances: any InstanceResolver
    /// Starts runs of other flows (`run_flow`); nil where no engine is present.
    public var flows: (any FlowCaller)?
    /// The delivery ledger sends with `sync:` consult (`deliver:`); nil where no store is present.
    public var deliveries: (any DeliveryLedger)?
    /// Overrides every send's `deliver:` rule: `.always` for a resync of an OK entry someone confirmed.
    public var deliverOverride: DeliveryRule?
    /// The lookup tables this run's expressions read with `$lookup`, loaded once per run
    /// (`RunLookups.none` where the flow uses none, or outside a run).
    public var lookups: RunLookups = .none

    public init(
        runID: RunID, flowID: String, shapeID: String, attempt: Int = 1, variables: [String: JSON] = [:],
        recorder: CallRecorder = CallRecorder(), instances: any InstanceResolver = FixedInstances([]), flows: (any FlowCaller)? = nil,
        deliveries: (any DeliveryLedger)? = nil, deliverOverride: DeliveryRule? = nil
    ) {
        self.flows = flows
        self.deliveries = deliveries
        self.deliverOverride = deliverOverride
        self.runID = runID
        self.flowID = flowID
        self.shapeID = shapeID
        self.attempt = attempt
        self.variables = variables
        self.recorder = recorder
        self.instances = instances
    }
}

/// Collects the calls a step makes while it runs (thread-safe).
public final class CallRecorder: Sendable {
    private let storage = LockedValue<[JSON]>([])
    public init() {}
    public func record(_ call: JSON) { storage.withLock { $0.append(call) } }
    public var calls: [JSON] { storage.withLock { $0 } }
    /// Forgets the calls recorded so far (the engine does this between steps).
    public func clear() { storage.withLock { $0.removeAll() } }
}

/// Why a step failed, and whether trying again could help.
///
/// Shapes throw this to tell the engine how to react: a transient failure (a refused
/// connection, a timeout, a 5xx, a 429) is retried per the shape's retry policy; anything
/// else fails the step at once.
public struct ShapeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var isTransient: Bool
    /// When the system said when to come back (`Retry-After`).
    public var retryAfter: Duration?
    /// Structured detail shown on the step (the response body of a rejected request, a diff).
    public var details: JSON?

    public init(_ message: String, isTransient: Bool = false, retryAfter: Duration? = nil, details: JSON? = nil) {
        self.message = message
        self.isTransient = isTransient
        self.retryAfter = retryAfter
        self.details = details
    }

    public var description: String { message }
}
