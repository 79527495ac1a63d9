public import Foundation
public import SkeinCore
public import SkeinJSON

/// A flow version as deployed: the file's text (kept verbatim, so what runs is what was
/// reviewed) and the definition read from it.
public struct DeployedFlow: Sendable {
    public var flowID: String
    public var version: Int
    public var source: String
    public var definition: FlowDefinition
    public var deployedAt: Date
    /// Whether the flow's trigger (schedule, webhook) is active. Manual runs work regardless.
    public var enabled: Bool

    public init(flowID: String, version: Int, source: String, definition: FlowDefinition, deployedAt: Date, enabled: Bool) {
        self.flowID = flowID
        self.version = version
        self.source = source
        self.definition = definition
        self.deployedAt = deployedAt
        self.enabled = enabled
    }
}

/// What to start: a flow version, how it was triggered, where it enters and its first payloads.
public struct NewRun: Sendable {
    public var flowID: String
    public var flowVersion: Int
    public var trigger: TriggerKind
    public var priority: Int
    /// The shape the run starts at; nil means the first shape.
    public var entryShapeID: String?
    public var input: [Payload]
    /// The run this one was replayed or retried from.
    public var originRunID: Int64?

    public init(flowID: String, flowVersion: Int, trigger: TriggerKind, priority: Int = 3, entryShapeID: String? = nil,
                input: [Payload] = [], originRunID: Int64? = nil) {
        self.flowID = flowID
        self.flowVersion = flowVersion
        self.trigger = trigger
        self.priority = priority
        self.entryShapeID = entryShapeID
        self.input = input
        self.originRunID = originRunID
    }
}

/// A run as stored.
public struct RunRecord: Sendable, Equatable {
    public var id: Int64
    public var flowID: String
    public var flowVersion: Int
    public var status: RunStatus
    public var trigger: TriggerKind
    public var priority: Int
    public var entryShapeID: String?
    public var originRunID: Int64?
    public var queuedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Why it failed or stopped, naming the step.
    public var error: String?
    public var failedShapeID: String?
    public var hasWarnings: Bool
    public var stopRequested: Bool
    /// The worker holding the run, and until when (a lease a crashed worker stops renewing).
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    /// How many times a worker has picked the run up (more than 1 after a crash and resume).
    public var claims: Int
    public var inputCount: Int
    /// The run's payloads were deleted by retention; its log (steps, counts, errors) remains.
    public var payloadsExpired: Bool
    /// The W3C `traceparent` of the run's first traced pick-up (`RunStore.recordTraceParent`);
    /// nil when tracing was off. A resumed run continues this trace.
    public var traceParent: String?

    public init(id: Int64, flowID: String, flowVersion: Int, status: RunStatus, trigger: TriggerKind, priority: Int, entryShapeID: String?,
                originRunID: Int64?, queuedAt: Date, startedAt: Date?, finishedAt: Date?, error: String?, failedShapeID: String?,
                hasWarnings: Bool, stopRequested: Bool, leaseOwner: String?, leaseExpiresAt: Date?, claims: Int, inputCount: Int,
                payloadsExpired: Bool = false, traceParent: String? = nil) {
        self.id = id; self.flowID = flowID; self.flowVersion = flowVersion; self.status = status; self.trigger = trigger
        self.priority = priority; self.entryShapeID = entryShapeID; self.originRunID = originRunID; self.queuedAt = queuedAt
        self.startedAt = startedAt; self.finishedAt = finishedAt; self.error = error; self.failedShapeID = failedShapeID
        self.hasWarnings = hasWarnings; self.stopRequested = stopRequested; self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt; self.claims = claims; self.inputCount = inputCount
        self.payloadsExpired = payloadsExpired
        self.traceParent = traceParent
    }

    /// The trace id (32 hexadecimal digits) of `traceParent`: what a tracing UI searches by.
    public var traceID: String? {
        let parts = traceParent?.split(separator: "-") ?? []
        return parts.count >= 4 && parts[1].count == 32 ? String(parts[1]) : nil
    }
}

/// One executed (or executing) step of a run. Sequence 1 is the first step the run executed.
public struct StepRecord: Sendable, Equatable {
    public var runID: Int64
    public var sequence: Int
    public var shapeID: String
    public var shapeType: String
    public var status: StepStatus
    public var startedAt: Date
    public var finishedAt: Date?
    public var attempts: Int
    public var inputCount: Int
    public var inputBytes: Int
    public var outputCount: Int
    public var outputBytes: Int
    public var error: String?
    public var errorDetails: JSON?
    public var warnings: [String]
    /// Requests and responses the step made, secrets redacted.
    public var calls: [JSON]
    /// Where the step sits in the flow tree (`route-orders/uk/to-uk-erp`); the shape id at the top level.
    /// Written when the step finishes; nil for steps stored before flows were trees.
    public var path: String?
    /// What the engine recorded about the step besides its payloads: the branch each payload took
    /// (route), the payloads that failed and went to catch (inside try), child runs (run_flow), and
    /// where its input came from (`input`: `[[sequence, first index, count], ...]`).
    public var details: JSON?

    public init(runID: Int64, sequence: Int, shapeID: String, shapeType: String, status: StepStatus, startedAt: Date, finishedAt: Date?,
                attempts: Int, inputCount: Int, inputBytes: Int, outputCount: Int, outputBytes: Int, error: String?,
                errorDetails: JSON?, warnings: [String], calls: [JSON], path: String? = nil, details: JSON? = nil) {
        self.runID = runID; self.sequence = sequence; self.shapeID = shapeID; self.shapeType = shapeType; self.status = status
        self.startedAt = startedAt; self.finishedAt = finishedAt; self.attempts = attempts; self.inputCount = inputCount
        self.inputBytes = inputBytes; self.outputCount = outputCount; self.outputBytes = outputBytes; self.error = error
        self.errorDetails = errorDetails; self.warnings = warnings; self.calls = calls; self.path = path; self.details = details
    }

    public var duration: Duration? {
        finishedAt.map { .milliseconds(Int64(($0.timeIntervalSince(startedAt) * 1000).rounded())) }
    }
}

/// How a step ended, written with its output payloads in one transaction.
public struct StepOutcome: Sendable {
    public var status: StepStatus
    public var attempts: Int
    public var outputs: [Payload]
    public var error: String?
    public var errorDetails: JSON?
    public var warnings: [String]
    public var calls: [JSON]
    /// Sync report entries for the items the step tried to deliver, stored with the step.
    public var syncEntries: [NewSyncEntry]
    /// The flow variables after the step, when it changed them (`set_variables`); stored in the
    /// step's transaction and read back through `RunVariableStore` on resume.
    public var variables: [String: JSON]?
    /// See `StepRecord.path` and `StepRecord.details`.
    public var path: String?
    public var details: JSON?

    public init(status: StepStatus, attempts: Int, outputs: [Payload] = [], error: String? = nil, errorDetails: JSON? = nil,
                warnings: [String] = [], calls: [JSON] = [], syncEntries: [NewSyncEntry] = [], variables: [String: JSON]? = nil,
                path: String? = nil, details: JSON? = nil) {
        self.status = status; self.attempts = attempts; self.outputs = outputs; self.error = error
        self.errorDetails = errorDetails; self.warnings = warnings; self.calls = calls; self.syncEntries = syncEntries
        self.variables = variables; self.path = path; self.details = details
    }
}

/// Where a stored payload sits: produced by step `sequence` (0 = the run's input) at `index`.
public struct PayloadInfo: Sendable, Equatable {
    public var runID: Int64
    public var sequence: Int
    public var index: Int
    public var contentType: String
    /// Size in bytes as produced (what a download returns).
    public var size: Int
    /// Size on disk after compression.
    public var storedSize: Int

    public init(runID: Int64, sequence: Int, index: Int, contentType: String, size: Int, storedSize: Int) {
        self.runID = runID; self.sequence = sequence; self.index = index; self.contentType = contentType
        self.size = size; self.storedSize = storedSize
    }
}

/// Filters for listing runs, newest first, with keyset pagination (`before` = the last id seen).
public struct RunQuery: Sendable {
    public var flowID: String?
    public var statuses: [RunStatus]
    public var triggers: [TriggerKind]
    public var since: Date?
    public var until: Date?
    public var hasWarnings: Bool?
    /// Only runs replayed or retried from this run.
    public var originRunID: Int64?
    public var before: Int64?
    public var limit: Int

    public init(flowID: String? = nil, statuses: [RunStatus] = [], triggers: [TriggerKind] = [], since: Date? = nil, until: Date? = nil,
                hasWarnings: Bool? = nil, originRunID: Int64? = nil, before: Int64? = nil, limit: Int = 50) {
        self.flowID = flowID; self.statuses = statuses; self.triggers = triggers; self.since = since; self.until = until
        self.hasWarnings = hasWarnings; self.originRunID = originRunID; self.before = before; self.limit = limit
    }
}

/// An instance as stored: everything but the credentials in clear, credentials sealed.
public struct StoredInstance: Sendable, Equatable {
    public var name: String
    public var connectorType: String
    public var address: String
    public var timeZone: String
    public var rateLimit: String?
    public var timeoutMilliseconds: Int
    public var variables: [String: String]
    public var settings: JSON
    /// AES-GCM sealed box of the credentials JSON (nonce + ciphertext + tag).
    public var sealedCredentials: [UInt8]
    public var keyID: String
    public var updatedAt: Date

    public init(name: String, connectorType: String, address: String, timeZone: String, rateLimit: String?, timeoutMilliseconds: Int,
                variables: [String: String], settings: JSON, sealedCredentials: [UInt8], keyID: String, updatedAt: Date) {
        self.name = name; self.connectorType = connectorType; self.address = address; self.timeZone = timeZone
        self.rateLimit = rateLimit; self.timeoutMilliseconds = timeoutMilliseconds; self.variables = variables
        self.settings = settings; self.sealedCredentials = sealedCredentials; self.keyID = keyID; self.updatedAt = updatedAt
    }
}
