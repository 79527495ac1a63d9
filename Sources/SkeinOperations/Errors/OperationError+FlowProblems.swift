public import SkeinCore
import SkeinJSON

extension OperationError {
    /// `invalid_flow` with each problem located (`details.problems`: `[{"path", "message"}]`), as
    /// deploys, blueprint installs and shape previews refuse a flow or a shape's settings.
    public static func invalidFlow(_ message: String, problems: [FlowProblem]) -> OperationError {
        OperationError(
            .invalidFlow, message,
            details: ["problems": .array(problems.map { ["path": .string($0.path), "message": .string($0.message)] })])
    }
}
