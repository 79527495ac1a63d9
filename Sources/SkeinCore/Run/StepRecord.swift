public import Foundation
public import SkeinJSON

/// One executed (or executing) step of a run. Sequence 1 is the first step the run executed.
public struct StepRecord: Sendable, Equatable {
    public var runID: RunID
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

    public init(
        runID: RunID, sequence: Int, shapeID: String, shapeType: String, status: StepStatus, startedAt: Date, finishedAt: Date?,
        attempts: Int, inputCount: Int, inputBytes: Int, outputCount: Int, outputBytes: Int, error: String?,
        errorDetails: JSON?, warnings: [String], calls: [JSON], path: String? = nil, details: JSON? = nil
    ) {
        self.runID = runID; self.sequence = sequence; self.shapeID = shapeID; self.shapeType = shapeType; self.status = status
        self.startedAt = startedAt; self.finishedAt = finishedAt; self.attempts = attempts; self.inputCount = inputCount
        self.inputBytes = inputBytes; self.outputCount = outputCount; self.outputBytes = outputBytes; self.error = error
        self.errorDetails = errorDetails; self.warnings = warnings; self.calls = calls; self.path = path; self.details = details
    }

    public var id: StepID { StepID(run: runID, sequence: sequence) }

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

    public init(
        status: StepStatus, attempts: Int, outputs: [Payload] = [], error: String? = nil, errorDetails: JSON? = nil,
        warnings: [String] = [], calls: [JSON] = [], syncEntries: [NewSyncEntry] = [], variables: [String: JSON]? = nil,
        path: String? = nil, details: JSON? = nil
    ) {
        self.status = status; self.attempts = attempts; self.outputs = outputs; self.error = error
        self.errorDetails = errorDetails; self.warnings = warnings; self.calls = calls; self.syncEntries = syncEntries
        self.variables = variables; self.path = path; self.details = details
    }
}
