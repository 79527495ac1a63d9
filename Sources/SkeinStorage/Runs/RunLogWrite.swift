public import Foundation
public import SkeinCore

/// One write to a run's log, as `RunLogWriter.commitRunLog` takes them: what `beginStep`,
/// `finishStep`, `finishRun` and `recordTraceParent` each write, as a value, so the writes of
/// many runs (and several of one run) can share one transaction.
public enum RunLogWrite: Sendable {
    case beginStep(StepID, shapeID: String, shapeType: String, inputCount: Int, inputBytes: Int, now: Date)
    case finishStep(StepID, outcome: StepOutcome, now: Date)
    case finishRun(RunID, status: RunStatus, error: String?, failedShapeID: String?, now: Date)
    case traceParent(RunID, String)

    /// The run written to.
    public var runID: RunID {
        switch self {
        case .beginStep(let step, _, _, _, _, _), .finishStep(let step, _, _): step.run
        case .finishRun(let run, _, _, _, _), .traceParent(let run, _): run
        }
    }

    /// Whether this write records a step's end (with its outputs).
    public var endsAStep: Bool {
        if case .finishStep = self { true } else { false }
    }
}
