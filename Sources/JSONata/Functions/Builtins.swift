import Foundation

/// The built-in function library, by name (without the `$`). Looked up behind every scope, so
/// a user binding of the same name shadows it.
let builtinFunctions: [String: NativeFunction] = {
    var table: [String: NativeFunction] = [:]
    let families = [
        AggregationFunctions.all, StringFunctions.all, NumericFunctions.all, BooleanFunctions.all,
        ArrayFunctions.all, ObjectFunctions.all, HigherOrderFunctions.all, RegexFunctions.all,
        DateTimeFunctions.all, EncodingFunctions.all, MiscFunctions.all,
    ]
    for family in families {
        for function in family { table[function.name] = function }
    }
    return table
}()

/// The `index`-th argument, or undefined when it was not supplied.
@inline(__always)
func argument(_ args: [Value?], _ index: Int) -> Value? {
    index < args.count ? args[index] : nil
}

@inline(__always)
func stringArgument(_ args: [Value?], _ index: Int) -> String? {
    if case .string(let s)? = argument(args, index) { return s }
    return nil
}

@inline(__always)
func numberArgument(_ args: [Value?], _ index: Int) -> Double? {
    if case .number(let n)? = argument(args, index) { return n }
    return nil
}

/// The items of an array argument (signatures have already wrapped single values).
@inline(__always)
func arrayArgument(_ args: [Value?], _ index: Int) -> [Value]? {
    guard let value = argument(args, index) else { return nil }
    return value.arrayItems ?? [value]
}

/// Runs one of the picture-string formatters, mapping its error onto the engine's.
func formatting<T>(_ body: () throws -> T) throws(EvalError) -> T {
    do {
        return try body()
    } catch let error as FormattingError {
        let mapped = EvalError(error.code)
        mapped.message = error.message
        throw mapped
    } catch let error as EvalError {
        throw error
    } catch {
        let mapped = EvalError("D3137")
        mapped.message = "\(error)"
        throw mapped
    }
}

/// An error with a message but no template inserts.
func failure(_ code: String, _ message: String) -> EvalError {
    let error = EvalError(code)
    error.message = message
    return error
}
