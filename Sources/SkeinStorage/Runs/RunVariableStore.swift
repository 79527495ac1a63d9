public import SkeinCore
public import SkeinJSON

/// Flow variables as a run had them after each step that changed them (written with the step
/// through `StepOutcome.variables`, in the step's transaction), so a resumed, retried or
/// replayed run continues with the variables it had.
public protocol RunVariableStore: Sendable {
    /// The variables after the latest step at or before `sequence` that set any; nil if none did.
    func runVariables(runID: RunID, throughSequence sequence: Int) async throws -> [String: JSON]?
}
