import Foundation

/// Something that can be invoked: a lambda written in the expression, a built-in (or
/// host-registered) native function, a partially applied native, or a compiled regex.
enum Callable {
    case lambda(Lambda)
    case native(NativeFunction)
    case partialNative(PartialNative)
    case regex(CompiledRegex)

    /// How many arguments the function declares; higher-order functions pass the index and the
    /// whole array only to functions that can take them.
    var arity: Int {
        switch self {
        case .lambda(let lambda): return lambda.params.count
        case .native(let native): return native.arity
        case .partialNative(let partial): return partial.holes.count
        case .regex: return 1
        }
    }

    var signature: Signature? {
        switch self {
        case .lambda(let lambda): return lambda.signature
        case .native(let native): return native.signature
        case .partialNative, .regex: return nil
        }
    }

    var identity: ObjectIdentifier {
        switch self {
        case .lambda(let l): return ObjectIdentifier(l)
        case .native(let n): return ObjectIdentifier(n)
        case .partialNative(let p): return ObjectIdentifier(p)
        case .regex(let r): return ObjectIdentifier(r)
        }
    }
}

/// A closure: a lambda body plus the environment and context it was created in.
final class Lambda {
    let body: Node
    let input: Value?
    let env: Frame
    let params: [String]
    let signature: Signature?
    /// A tail call wrapped by the parser's tail-call optimisation; `apply` unwinds it in a loop
    /// instead of recursing, so tail-recursive functions run in constant stack.
    let isThunk: Bool

    init(body: Node, input: Value?, env: Frame, params: [String], signature: Signature?, isThunk: Bool) {
        self.body = body
        self.input = input
        self.env = env
        self.params = params
        self.signature = signature
        self.isThunk = isThunk
    }

    deinit { Graveyard.bury((input, env)) }
}

/// What a native function sees besides its arguments.
struct CallContext {
    /// The context value (`$`) at the call site.
    let input: Value?
    let env: Frame
    /// The name the function was invoked by, for error messages.
    let token: String?
    let position: Int?
}

/// A function implemented in Swift. Built-ins are shared, immutable, and safe across threads.
final class NativeFunction: @unchecked Sendable {
    typealias Body = (Evaluator, [Value?], CallContext) throws(EvalError) -> Value?
    let name: String
    let signature: Signature?
    let arity: Int
    let body: Body

    init(_ name: String, _ signature: String?, arity: Int, _ body: @escaping Body) {
        self.name = name
        self.signature = signature.map { try! Signature(parsing: $0) }
        self.arity = arity
        self.body = body
    }

    init(name: String, signature: Signature?, arity: Int, body: @escaping Body) {
        self.name = name
        self.signature = signature
        self.arity = arity
        self.body = body
    }

    // a composed function's closure holds the functions it composes
    deinit { Graveyard.bury(body) }
}

/// `$native(?, x)`: a native with some arguments fixed; the `nil` slots listed in `holes` are
/// filled, in order, by the arguments of the eventual call.
final class PartialNative {
    let native: NativeFunction
    let arguments: [Value?]
    let holes: [Int]
    init(native: NativeFunction, arguments: [Value?], holes: [Int]) {
        self.native = native
        self.arguments = arguments
        self.holes = holes
    }

    deinit { Graveyard.bury((native, arguments)) }
}

/// A regular expression literal, compiled once with the expression.
typealias CompiledRegex = RegexProgram

/// A variable scope. Frames chain to their enclosing scope; the built-in library sits behind
/// the outermost one.
///
/// Most scopes bind a handful of names (a lambda's parameters, a block's variables), so a
/// scope keeps its bindings in a list searched from the front, which costs less than hashing
/// the name; a scope that comes to hold more than `indexedFrom` names also indexes them.
final class Frame {
    private var bindings: [(name: String, value: Value?)] = []
    private var positions: [String: Int]?
    let parent: Frame?

    private static let indexedFrom = 8

    init(parent: Frame?) {
        self.parent = parent
    }

    deinit {
        if !bindings.isEmpty || parent != nil { Graveyard.bury((bindings, parent)) }
    }

    @inline(__always)
    private func position(of name: String) -> Int? {
        if let positions { return positions[name] }
        for index in bindings.indices where bindings[index].name == name { return index }
        return nil
    }

    func bind(_ name: String, _ value: Value?) {
        if let index = position(of: name) {
            bindings[index].value = value
            return
        }
        bindings.append((name, value))
        if positions != nil {
            positions![name] = bindings.count - 1
        } else if bindings.count > Frame.indexedFrom {
            var index: [String: Int] = [:]
            for (position, binding) in bindings.enumerated() { index[binding.name] = position }
            positions = index
        }
    }

    /// The bound value, or `nil` for undefined (unbound or bound to undefined).
    func lookup(_ name: String) -> Value? {
        if let bound = binding(of: name) { return bound }
        if let builtin = builtinFunctions[name] { return .function(.native(builtin)) }
        return nil
    }

    /// `lookup(name)` when the built-in function of that name (if any) is already known.
    @inline(__always)
    func lookup(_ name: String, builtin: NativeFunction?) -> Value? {
        if let bound = binding(of: name) { return bound }
        if let builtin { return .function(.native(builtin)) }
        return nil
    }

    /// The value bound to `name` in this scope or an enclosing one (`.some(nil)` when bound to
    /// undefined), or `nil` when no scope binds it.
    private func binding(of name: String) -> Value?? {
        var frame: Frame? = self
        while let current = frame {
            if let index = current.position(of: name) { return .some(current.bindings[index].value) }
            frame = current.parent
        }
        return nil
    }
}
