/// A function signature such as `<s-nn?:s>`: one letter per parameter (`s` string, `n` number,
/// `b` boolean, `l` null, `a` array, `o` object, `f` function, `j` any JSON, `x` anything,
/// `(sn)` a choice), each optionally followed by `?` (optional), `+` (one or more) or `-`
/// (use the context value when omitted); `a<n>` / `f<s:o>` add a type parameter.
///
/// The reference implementation compiles a signature to a regular expression over one-letter
/// argument symbols; this is the same match done with a small backtracking matcher.
struct Signature: Sendable {
    enum Quantifier: Sendable { case one, optional, lazyOptional, oneOrMore }

    struct Param: Sendable {
        /// The type letter (`a`, `s`, ... or `(` for a choice).
        var type: UInt8
        /// Argument symbols accepted (`m` stands for a missing/undefined argument).
        var accepts: SymbolSet
        var quantifier: Quantifier = .one
        /// `-`: substitute the context value when the argument is missing.
        var usesContext = false
        var subtype: String?
    }

    let params: [Param]
    let definition: String

    private static let all = SymbolSet("asnblfom".utf8)

    /// Parses a signature; on error the thrown `EvalError.position` is the offset in `text`.
    init(parsing text: String) throws(EvalError) {
        definition = text
        let chars = Array(text.utf8)
        var params: [Param] = []
        var position = 1
        func closing(_ start: Int, _ open: UInt8, _ close: UInt8) -> Int {
            var depth = 1
            var at = start
            while at < chars.count {
                at += 1
                guard at < chars.count else { break }
                if chars[at] == close {
                    depth -= 1
                    if depth == 0 { break }
                } else if chars[at] == open {
                    depth += 1
                }
            }
            return at
        }
        while position < chars.count {
            let symbol = chars[position]
            if symbol == UInt8(ascii: ":") { break }
            switch symbol {
            case UInt8(ascii: "s"), UInt8(ascii: "n"), UInt8(ascii: "b"), UInt8(ascii: "l"), UInt8(ascii: "o"):
                params.append(Param(type: symbol, accepts: [symbol, UInt8(ascii: "m")]))
            case UInt8(ascii: "a"):
                params.append(Param(type: symbol, accepts: Signature.all))
            case UInt8(ascii: "f"):
                params.append(Param(type: symbol, accepts: [UInt8(ascii: "f")]))
            case UInt8(ascii: "j"):
                params.append(Param(type: symbol, accepts: SymbolSet("asnblom".utf8)))
            case UInt8(ascii: "x"):
                params.append(Param(type: symbol, accepts: Signature.all))
            case UInt8(ascii: "-"):
                if !params.isEmpty {
                    params[params.count - 1].usesContext = true
                    params[params.count - 1].quantifier = .optional
                }
            case UInt8(ascii: "?"):
                if !params.isEmpty {
                    params[params.count - 1].quantifier =
                        params[params.count - 1].quantifier == .optional && params[params.count - 1].usesContext ? .lazyOptional : .optional
                }
            case UInt8(ascii: "+"):
                if !params.isEmpty { params[params.count - 1].quantifier = .oneOrMore }
            case UInt8(ascii: "("):
                let end = closing(position, UInt8(ascii: "("), UInt8(ascii: ")"))
                let choice = Array(chars[(position + 1)..<min(end, chars.count)])
                if choice.contains(UInt8(ascii: "<")) {
                    throw EvalError("S0402", position: position, value: .string(String(decoding: choice, as: UTF8.self)))
                }
                params.append(Param(type: UInt8(ascii: "("), accepts: SymbolSet(choice + [UInt8(ascii: "m")])))
                position = end
            case UInt8(ascii: "<"):
                guard let last = params.last, last.type == UInt8(ascii: "a") || last.type == UInt8(ascii: "f") else {
                    throw EvalError("S0401", position: position, value: params.last.map { .string(String(decoding: [$0.type], as: UTF8.self)) })
                }
                let end = closing(position, UInt8(ascii: "<"), UInt8(ascii: ">"))
                params[params.count - 1].subtype = String(decoding: chars[(position + 1)..<min(end, chars.count)], as: UTF8.self)
                position = end
            default:
                break
            }
            position += 1
        }
        self.params = params
    }

    /// Candidate argument counts for a parameter, in the order a JavaScript regex tries them.
    private func counts(_ param: Param, available: Int) -> [Int] {
        switch param.quantifier {
        case .one: return available >= 1 ? [1] : []
        case .optional: return available >= 1 ? [1, 0] : [0]
        case .lazyOptional: return available >= 1 ? [0, 1] : [0]
        case .oneOrMore: return available >= 1 ? Array((1...available).reversed()) : []
        }
    }

    /// Matches `symbols` against `params[from...upTo]`; `anchored` requires consuming everything.
    private func match(_ symbols: [UInt8], param: Int, at: Int, upTo: Int, anchored: Bool, counts out: inout [Int]) -> Int? {
        if param > upTo {
            return (!anchored || at == symbols.count) ? at : nil
        }
        let p = params[param]
        for count in counts(p, available: symbols.count - at) {
            var ok = true
            for i in at..<(at + count) where !p.accepts.contains(symbols[i]) {
                ok = false
                break
            }
            guard ok else { continue }
            out.append(count)
            if let end = match(symbols, param: param + 1, at: at + count, upTo: upTo, anchored: anchored, counts: &out) {
                return end
            }
            out.removeLast()
        }
        return nil
    }

    /// The match most calls make, found without backtracking: every argument taken by the
    /// parameter in its position and the parameters left over taking none. It is the first
    /// candidate `match` tries whenever the parameters given arguments are `.one` or `.optional`
    /// (both try one argument first) and those left over may be empty, so when every argument
    /// is accepted it is the match `match` would find. Returns the validated arguments — `args`
    /// itself unless an array parameter wraps its argument — or `nil` to leave the search to
    /// `match` (also when a parameter left over would take the context).
    ///
    /// Parameters left over get no entry (the general path appends undefined for them): every
    /// function reads a missing argument and an undefined one alike.
    private func validateOnePerArgument(_ args: [Value?]) throws(EvalError) -> [Value?]? {
        guard args.count <= params.count else { return nil }
        var needsArrays = false
        for (index, param) in params.enumerated() {
            if index < args.count {
                guard param.quantifier == .one || param.quantifier == .optional,
                    param.accepts.contains(args[index]?.signatureSymbol ?? UInt8(ascii: "m"))
                else { return nil }
                if param.type == UInt8(ascii: "a") && args[index] != nil { needsArrays = true }
            } else if param.usesContext || (param.quantifier != .optional && param.quantifier != .lazyOptional) {
                return nil
            }
        }
        guard needsArrays else { return args }
        var validated = args
        for index in args.indices where params[index].type == UInt8(ascii: "a") {
            validated[index] = try arrayArgument(args[index], param: params[index], count: 1, argIndex: index)
        }
        return validated
    }

    /// An argument for an array parameter: checked against the parameter's item type
    /// (`a<n>`), and wrapped in an array when it is a single value.
    private func arrayArgument(_ arg: Value?, param: Param, count: Int, argIndex: Int) throws(EvalError) -> Value? {
        guard let value = arg else { return nil }
        var arrayOK = true
        if let subtype = param.subtype {
            if case .array(let items, _) = value {
                if let first = items.first {
                    let itemType = first.signatureSymbol
                    if itemType != subtype.utf8.first {
                        arrayOK = false
                    } else {
                        arrayOK = items.allSatisfy { $0.signatureSymbol == itemType }
                    }
                }
            } else if count != 1 || String(decoding: [value.signatureSymbol], as: UTF8.self) != subtype {
                arrayOK = false
            }
        }
        if !arrayOK {
            let error = EvalError("T0412", value: value)
            error.index = argIndex + 1
            error.type = param.subtype.flatMap { Signature.arrayTypeNames[$0] }
            throw error
        }
        return value.isArray ? value : .array([value], [])
    }

    private static let arrayTypeNames: [String: String] = [
        "a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings",
    ]

    /// Checks `args` against the signature, substituting the context for a missing `-` parameter
    /// and wrapping single values passed where an array is expected.
    func validate(_ args: [Value?], context: Value?) throws(EvalError) -> [Value?] {
        if let validated = try validateOnePerArgument(args) { return validated }
        var counts: [Int] = []
        let symbols = args.map { $0?.signatureSymbol ?? UInt8(ascii: "m") }
        guard match(symbols, param: 0, at: 0, upTo: params.count - 1, anchored: true, counts: &counts) != nil else {
            throw validationError(args, symbols)
        }
        var validated: [Value?] = []
        validated.reserveCapacity(params.count)
        var argIndex = 0
        for (index, param) in params.enumerated() {
            let count = counts[index]
            if count == 0 {
                if param.usesContext {
                    var context = context
                    if case .array(let items, let flags)? = context, flags.contains(.outerWrapper), let first = items.first {
                        context = first
                    }
                    let symbol = context?.signatureSymbol ?? UInt8(ascii: "m")
                    if param.accepts.contains(symbol) {
                        validated.append(context)
                    } else {
                        let error = EvalError("T0411", value: context)
                        error.index = argIndex + 1
                        throw error
                    }
                } else {
                    validated.append(argIndex < args.count ? args[argIndex] : nil)
                    argIndex += 1
                }
                continue
            }
            for _ in 0..<count {
                var arg = argIndex < args.count ? args[argIndex] : nil
                if param.type == UInt8(ascii: "a") {
                    arg = try arrayArgument(arg, param: param, count: count, argIndex: argIndex)
                }
                validated.append(arg)
                argIndex += 1
            }
        }
        return validated
    }

    private func validationError(_ args: [Value?], _ symbols: [UInt8]) -> EvalError {
        var goodTo = 0
        for index in params.indices {
            var scratch: [Int] = []
            guard let end = match(symbols, param: 0, at: 0, upTo: index, anchored: false, counts: &scratch) else { break }
            goodTo = end
        }
        let error = EvalError("T0410", value: goodTo < args.count ? args[goodTo] : nil)
        error.index = goodTo + 1
        return error
    }
}

/// A set of lower-case argument symbols (`a`...`z`) as one bit each: the signature matcher asks
/// `contains` once per argument of every call.
struct SymbolSet: Sendable, ExpressibleByArrayLiteral {
    private var bits: UInt32 = 0

    init<S: Sequence>(_ symbols: S) where S.Element == UInt8 {
        for symbol in symbols where symbol >= UInt8(ascii: "a") && symbol <= UInt8(ascii: "z") {
            bits |= 1 << UInt32(symbol - UInt8(ascii: "a"))
        }
    }

    init(arrayLiteral symbols: UInt8...) { self.init(symbols) }

    @inline(__always)
    func contains(_ symbol: UInt8) -> Bool {
        symbol >= UInt8(ascii: "a") && symbol <= UInt8(ascii: "z") && bits & (1 << UInt32(symbol - UInt8(ascii: "a"))) != 0
    }
}
