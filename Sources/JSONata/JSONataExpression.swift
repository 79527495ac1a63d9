import Foundation
import SkeinJSON

/// Bounds on one evaluation, so a runaway expression fails with a clear `U1001` error instead of
/// exhausting the stack or running forever.
public struct EvaluationLimits: Sendable {
    /// The deepest nesting of expression evaluations allowed (each node evaluated inside another
    /// counts one level, as the reference test harness counts). Tail calls do not nest.
    public var maxDepth: Int
    /// The longest an evaluation may run, or `nil` for no limit.
    public var timeout: Duration?

    public init(maxDepth: Int = 10_000, timeout: Duration? = nil) {
        self.maxDepth = maxDepth
        self.timeout = timeout
    }

    /// Depth 10,000 and no time limit. Independently of `maxDepth`, evaluation also stops with
    /// `U1001` before it would exhaust the current thread's native stack.
    public static let `default` = EvaluationLimits()
}

/// A function implemented by the host and made callable from expressions, e.g.
///
/// ```swift
/// let double = try JSONataFunction(signature: "<n:n>") { args in
///     args[0].flatMap { $0.numberValue }.map { .number($0 * 2) }
/// }
/// try JSONataExpression(compiling: "$double(21)").evaluate(input: nil, functions: ["double": double])  // 42
/// ```
///
/// Arguments arrive as JSON (`nil` for undefined; JSONata functions passed as arguments arrive as
/// `nil`). Throw a `JSONataError` to report an error with your own code.
public struct JSONataFunction: Sendable {
    let signature: Signature?
    let arity: Int
    let body: @Sendable ([JSON?]) throws -> JSON?

    /// - Parameters:
    ///   - signature: an optional JSONata signature such as `"<s-n?:s>"`, validated before each call.
    ///   - arity: how many arguments the function takes (higher-order functions such as `$map`
    ///     pass the index and array only to functions declaring them). Defaults to the number of
    ///     parameters in the signature, or 1.
    public init(signature: String? = nil, arity: Int? = nil, _ body: @escaping @Sendable ([JSON?]) throws -> JSON?) throws {
        do {
            self.signature = try signature.map { text throws(EvalError) in try Signature(parsing: text) }
        } catch {
            throw error.publicError
        }
        self.arity = arity ?? self.signature?.params.count ?? 1
        self.body = body
    }

    func native(named name: String) -> NativeFunction {
        let body = self.body
        return NativeFunction(name: name, signature: signature, arity: arity) { _, args, _ throws(EvalError) in
            let jsonArgs = args.map { $0?.toJSON() }
            do {
                return try body(jsonArgs).map(Value.init)
            } catch let error as JSONataError {
                let mapped = EvalError(error.code, position: error.position, token: error.token)
                mapped.message = error.message
                throw mapped
            } catch {
                throw failure("D3137", "\(error)")
            }
        }
    }
}

/// A compiled JSONata expression: parse once, evaluate many times, from any thread.
///
/// ```swift
/// let total = try JSONataExpression(compiling: "$sum(lines.(qty * price))")
/// let order: JSON = ["lines": [["qty": 2, "price": 5], ["qty": 1, "price": 3]]]
/// try total.evaluate(input: order)   // .number(13)
/// ```
///
/// The value is immutable and `Sendable`; each `evaluate` call works on its own state.
public struct JSONataExpression: Sendable {
    /// The expression text as compiled.
    public let source: String
    let root: Node

    /// Parses `source`. Throws `JSONataError` (an `S0xxx` code with the position) on a syntax error.
    public init(compiling source: String) throws {
        self.source = source
        do {
            root = try Parser.parse(source)
        } catch {
            throw error.publicError
        }
    }

    /// Evaluates the expression against `input` (`nil` means no input: JSONata's undefined).
    ///
    /// - Parameters:
    ///   - bindings: values for `$name` variables.
    ///   - functions: host functions callable as `$name(...)`.
    ///   - limits: depth and time bounds (`U1001` when exceeded).
    /// - Returns: the result, or `nil` when it is undefined (e.g. a path that matched nothing).
    public func evaluate(input: JSON?, bindings: [String: JSON] = [:], functions: [String: JSONataFunction] = [:],
                         limits: EvaluationLimits = .default) throws -> JSON? {
        let evaluator = Evaluator(limits: limits)
        let environment = Frame(parent: nil)
        for (name, value) in bindings { environment.bind(name, Value(value)) }
        for (name, function) in functions { environment.bind(name, .function(.native(function.native(named: name)))) }
        var value = input.map(Value.init)
        environment.bind("$", value)
        if case .array? = value {
            value = .array([value!], [.sequence, .outerWrapper])
        }
        do {
            return try evaluator.evaluate(root, value, environment)?.toJSON()
        } catch {
            throw error.publicError
        }
    }
}
