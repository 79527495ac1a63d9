import JSONata
import NIOPosix
import SkeinJSON

/// Tries a JSONata expression on an input, for the API's `POST /api/v1/expr` and the UI
/// playground: compiled and evaluated on NIO's thread pool (it is CPU work, kept off the
/// server's event loops), with JSONata's own errors returned as an outcome, not thrown.
/// Each caller renders the outcome in its own response shape.
enum ExpressionTrial {
    enum Outcome: Sendable {
        case value(JSON)
        /// JSONata's undefined: the expression matched nothing.
        case undefined
        case failed(JSONataError)
    }

    /// `functions` are the host functions the expression may call (`$lookup`, `LookupOperations.forExpression`).
    static func evaluate(
        _ expression: String, input: JSON?, bindings: [String: JSON], functions: [String: JSONataFunction] = [:],
        limits: JSONataLimits
    ) async throws -> Outcome {
        try await NIOThreadPool.singleton.runIfActive {
            do {
                let compiled = try JSONataExpression(compiling: expression, limits: limits)
                guard let result = try compiled.evaluate(input: input, bindings: bindings, functions: functions, limits: limits) else {
                    return .undefined
                }
                return .value(result)
            } catch let error as JSONataError {
                return .failed(error)
            }
        }
    }
}
