import Foundation
import SkeinJSON

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

    /// Parses `source`. Throws `JSONataError` (an `S0xxx` code with the position) on a syntax
    /// error, or `S0230` when the expression nests deeper than `limits.maxNesting`.
    public init(compiling source: String, limits: JSONataLimits = .default) throws {
        self.source = source
        do {
            root = try Parser.parse(source, maxNesting: limits.maxNesting)
        } catch {
            throw error.publicError
        }
    }

    /// Evaluates the expression against `input` (`nil` means no input: JSONata's undefined).
    ///
    /// - Parameters:
    ///   - bindings: values for `$name` variables.
    ///   - functions: host functions callable as `$name(...)`.
    ///   - limits: depth, time and size bounds (`U1001` for depth and time, `U1003`-`U1005` and
    ///     `D2014` for sizes; see `JSONataLimits`).
    /// - Returns: the result, or `nil` when it is undefined (e.g. a path that matched nothing).
    public func evaluate(
        input: JSON?, bindings: [String: JSON] = [:], functions: [String: JSONataFunction] = [:],
        limits: JSONataLimits = .default
    ) throws -> JSON? {
        // everything the evaluation made is released by the time `run` returns; long chains of
        // functions and scopes were parked in the graveyard instead of released recursively
        defer { Graveyard.drain() }
        return try run(input: input, bindings: bindings, functions: functions, limits: limits)
    }

    private func run(
        input: JSON?, bindings: [String: JSON], functions: [String: JSONataFunction],
        limits: JSONataLimits
    ) throws -> JSON? {
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
            guard let result = try evaluator.evaluate(root, value, environment) else { return nil }
            try evaluator.checkResult(result)
            return result.toJSON()
        } catch {
            throw error.publicError
        }
    }
}
