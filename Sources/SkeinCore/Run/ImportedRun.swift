public import Foundation

/// One finished run with its steps, written as a whole by `RunBulkImport` — the shape of a run
/// log that already happened (benchmarks fill a store with a million of them).
public struct ImportedRun: Sendable {
    public var flowID: String
    public var flowVersion: Int
    public var status: RunStatus
    public var trigger: TriggerKind
    public var queuedAt: Date
    public var finishedAt: Date
    public var error: String?
    public var failedShapeID: String?
    public var steps: [ImportedStep]

    public init(
        flowID: String, flowVersion: Int, status: RunStatus, trigger: TriggerKind, queuedAt: Date, finishedAt: Date,
        error: String? = nil, failedShapeID: String? = nil, steps: [ImportedStep]
    ) {
        self.flowID = flowID; self.flowVersion = flowVersion; self.status = status; self.trigger = trigger
        self.queuedAt = queuedAt; self.finishedAt = finishedAt; self.error = error; self.failedShapeID = failedShapeID
        self.steps = steps
    }
}

/// One step of an `ImportedRun` (no payloads: the run list and run detail read none).
public struct ImportedStep: Sendable {
    public var shapeID: String
    public var shapeType: String
    public var status: StepStatus
    public var inputCount: Int
    public var outputCount: Int
    public var error: String?

    public init(shapeID: String, shapeType: String, status: StepStatus, inputCount: Int, outputCount: Int, error: String? = nil) {
        self.shapeID = shapeID; self.shapeType = shapeType; self.status = status
        self.inputCount = inputCount; self.outputCount = outputCount; self.error = error
    }
}
