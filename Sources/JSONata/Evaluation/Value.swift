import Foundation
import OrderedCollections
import SkeinJSON

/// The flags the reference implementation hangs on JavaScript arrays.
///
/// A *sequence* is an array the evaluator made while navigating (it collapses to its single
/// item, or to nothing, when a node finishes); a plain array came from the data or an array
/// constructor and keeps its shape.
struct ArrayFlags: OptionSet {
    let rawValue: UInt8
    /// Made by the evaluator; singletons unwrap, empties vanish.
    static let sequence = ArrayFlags(rawValue: 1)
    /// A `[]` in the expression asked to keep singleton sequences as arrays.
    static let keepSingleton = ArrayFlags(rawValue: 2)
    /// Built by an array constructor in a path step; not flattened into the step's results.
    static let cons = ArrayFlags(rawValue: 4)
    /// The input document was an array and got wrapped so it is treated as one item.
    static let outerWrapper = ArrayFlags(rawValue: 8)
    /// The items are tuples (objects holding `@` plus focus/index/ancestor bindings).
    static let tupleStream = ArrayFlags(rawValue: 16)
}

/// An object value. It is a reference type on purpose: the transform operator (`|...|...|`)
/// updates the objects its pattern selects *inside* a freshly cloned tree, exactly as the
/// reference implementation mutates JavaScript objects in place.
final class JObject {
    var fields: OrderedDictionary<String, Value>
    /// The object's nesting height once measured (`Evaluator.height(of:limit:)`), or -1. Objects are not
    /// changed once built, except by the transform operator, which resets it.
    var measuredHeight = -1
    init(_ fields: OrderedDictionary<String, Value> = [:]) { self.fields = fields }
}

/// The evaluator's value: JSON plus functions, with array flags. JSONata's `undefined` is
/// `Optional.none` wherever a `Value?` appears.
enum Value {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([Value], ArrayFlags)
    case object(JObject)
    case function(Callable)

    static func sequence(_ items: [Value] = []) -> Value { .array(items, .sequence) }

    var isArray: Bool { if case .array = self { return true }; return false }
    var isFunction: Bool { if case .function = self { return true }; return false }
    var isSequence: Bool { if case .array(_, let f) = self { return f.contains(.sequence) }; return false }
    var isTupleStream: Bool { if case .array(_, let f) = self { return f.contains(.tupleStream) }; return false }

    var arrayItems: [Value]? { if case .array(let items, _) = self { return items }; return nil }
    var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    var numberValue: Double? { if case .number(let n) = self { return n }; return nil }
}

extension Value {
    /// Converts a JSON document into an evaluator value.
    init(_ json: JSON) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(Value.init), [])
        case .object(let members):
            // `mapValues` keeps the members' keys (and their hash table) as they are
            self = .object(JObject(members.mapValues(Value.init)))
        }
    }

    /// Converts back to JSON. Functions have no JSON form: they are dropped from objects,
    /// become `null` in arrays and `nil` at the top (as `JSON.stringify` treats them).
    func toJSON() -> JSON? {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .array(let items, _): return .array(items.map { $0.toJSON() ?? .null })
        case .object(let object):
            // without functions to drop, the keys (and their hash table) are kept as they are
            if !object.fields.values.contains(where: \.isFunction) {
                return .object(object.fields.mapValues { $0.toJSON() ?? .null })
            }
            var members = JSON.Object(minimumCapacity: object.fields.count)
            for (key, value) in object.fields {
                if let json = value.toJSON() { members[key] = json }
            }
            return .object(members)
        case .function: return nil
        }
    }

    /// A deep copy (objects are references, so a copy is needed before mutating).
    func deepCopy() -> Value {
        switch self {
        case .array(let items, let flags): return .array(items.map { $0.deepCopy() }, flags)
        case .object(let object):
            var fields = OrderedDictionary<String, Value>(minimumCapacity: object.fields.count)
            for (key, value) in object.fields { fields[key] = value.deepCopy() }
            return .object(JObject(fields))
        default: return self
        }
    }
}

// MARK: - Size

extension Value {
    /// The nesting height (see `Evaluator.height(of:limit:)`) ignoring and clearing every remembered height (after the transform
    /// operator changed objects in place).
    func remeasureHeight(limit: Int) -> Int {
        if limit <= 0 { return 0 }
        let children: [Value]
        switch self {
        case .array(let items, _): children = items
        case .object(let object):
            object.measuredHeight = -1
            children = Array(object.fields.values)
        default: return 0
        }
        var deepest = 0
        for child in children {
            deepest = Swift.max(deepest, child.remeasureHeight(limit: limit - 1))
            if deepest >= limit - 1 { return limit }
        }
        return deepest + 1
    }

    /// How many values this one holds (every item and field value inside, counting shared parts
    /// each time they appear), counted no further than just past `limit`.
    func size(limit: Int) -> Int {
        var count = 0
        func visit(_ value: Value) {
            switch value {
            case .array(let items, _):
                for item in items where count <= limit {
                    count += 1
                    visit(item)
                }
            case .object(let object):
                for item in object.fields.values where count <= limit {
                    count += 1
                    visit(item)
                }
            default:
                break
            }
        }
        visit(self)
        return count
    }
}

// MARK: - JavaScript-like helpers

extension Value {
    /// JSONata's effective boolean value (`$boolean`), for a defined value.
    var truthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): return n != 0 && !n.isNaN
        case .string(let s): return !s.isEmpty
        case .array(let items, _):
            if items.count == 1 { return items[0].truthy }
            return items.contains { $0.truthy }
        case .object(let object): return !object.fields.isEmpty
        case .function: return false
        }
    }

    /// JavaScript truthiness (used where the reference tests a value with `if (x)`).
    var jsTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): return n != 0 && !n.isNaN
        case .string(let s): return !s.isEmpty
        default: return true
        }
    }

    /// The one-letter type symbol used by function signatures.
    var signatureSymbol: UInt8 {
        switch self {
        case .null: return UInt8(ascii: "l")
        case .bool: return UInt8(ascii: "b")
        case .number: return UInt8(ascii: "n")
        case .string: return UInt8(ascii: "s")
        case .array: return UInt8(ascii: "a")
        case .object: return UInt8(ascii: "o")
        case .function: return UInt8(ascii: "f")
        }
    }

    /// `$type()` names.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        case .function: return "function"
        }
    }
}

/// Deep equality as the reference's `isDeepEqual` (used by `=`, `!=`, `in`, `$distinct`).
func deepEqual(_ lhs: Value, _ rhs: Value) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a, _), .array(let b, _)):
        guard a.count == b.count else { return false }
        for index in a.indices where !deepEqual(a[index], b[index]) { return false }
        return true
    case (.object(let a), .object(let b)):
        if a === b { return true }
        guard a.fields.count == b.fields.count else { return false }
        for (key, value) in a.fields {
            guard let other = b.fields[key], deepEqual(value, other) else { return false }
        }
        return true
    case (.function(let a), .function(let b)): return a.identity == b.identity
    default: return false
    }
}

// MARK: - Text forms

extension Value {
    /// `JSON.stringify(value)`: plain JSON text (functions print as `""` inside containers).
    func jsonText() -> String {
        var output = ""
        writeJSON(to: &output, precision15: false, indent: nil, level: 0)
        return output
    }

    /// `jsonText()` cut to about 200 characters, for error messages (a value in a message can
    /// be as large as anything an expression builds).
    func shortJSONText() -> String {
        var output = ""
        writeJSON(to: &output, precision15: false, indent: nil, level: 0, budget: 200)
        return output.utf8.count > 200 ? String(output.prefix(200)) + "…" : output
    }

    /// `plainString()` cut to about 200 characters, for error messages.
    func shortPlainString() -> String {
        if case .string(let s) = self { return s.utf8.count > 200 ? String(s.prefix(200)) + "…" : s }
        if case .number = self { return plainString() }
        return shortJSONText()
    }

    /// How a raw (`{{{ }}}`) message insert prints a value.
    func plainString() -> String {
        switch self {
        case .string(let s): return s
        case .number(let n): return JSON.format(number: n)
        default: return jsonText()
        }
    }

    /// Writes JSON text. With `precision15`, numbers are rounded to 15 significant digits first,
    /// as `$string()` does; non-finite numbers then raise D1001.
    ///
    /// Writing stops early (leaving partial text) once the output passes `budget` UTF-8 bytes;
    /// the caller checks the length.
    func writeJSON(to output: inout String, precision15: Bool, indent: Int?, level: Int, budget: Int = .max) {
        switch self {
        case .null: output += "null"
        case .bool(let b): output += b ? "true" : "false"
        case .number(let n):
            if !n.isFinite { output += "null"; return }
            output += JSON.format(number: precision15 ? toPrecision15(n) : n)
        case .string(let s): JSON.writeQuoted(s, to: &output)
        case .function: output += "\"\""
        case .array(let items, _):
            if items.isEmpty { output += "[]"; return }
            output += "["
            for (position, item) in items.enumerated() {
                if output.utf8.count > budget { return }
                if position > 0 { output += "," }
                if let indent { output += "\n" + String(repeating: " ", count: indent * (level + 1)) }
                item.writeJSON(to: &output, precision15: precision15, indent: indent, level: level + 1, budget: budget)
            }
            if let indent { output += "\n" + String(repeating: " ", count: indent * level) }
            output += "]"
        case .object(let object):
            if object.fields.isEmpty { output += "{}"; return }
            output += "{"
            var first = true
            for (key, value) in object.fields {
                if output.utf8.count > budget { return }
                if !first { output += "," }
                first = false
                if let indent { output += "\n" + String(repeating: " ", count: indent * (level + 1)) }
                JSON.writeQuoted(key, to: &output)
                output += indent == nil ? ":" : ": "
                value.writeJSON(to: &output, precision15: precision15, indent: indent, level: level + 1, budget: budget)
            }
            if let indent { output += "\n" + String(repeating: " ", count: indent * level) }
            output += "}"
        }
    }

    /// Finds a non-finite number anywhere inside (the reference raises D1001 when it meets one).
    var containsNonFinite: Bool {
        switch self {
        case .number(let n): return !n.isFinite
        case .array(let items, _): return items.contains { $0.containsNonFinite }
        case .object(let object): return object.fields.values.contains { $0.containsNonFinite }
        default: return false
        }
    }
}

/// `Number(x.toPrecision(15))`.
func toPrecision15(_ value: Double) -> Double {
    if value == 0 || !value.isFinite { return value }
    if value == value.rounded() { return value }
    let text = String(format: "%.14e", value)
    return Double(text) ?? value
}

/// A double as an `Int` without trapping: NaN is 0 and magnitudes beyond 2^53 are clamped
/// (indexes and counts that large can never be in range anyway).
@inline(__always)
func saturatingInt(_ value: Double) -> Int {
    if value.isNaN { return 0 }
    return Int(max(-9_007_199_254_740_992, min(9_007_199_254_740_992, value)))
}

/// Builds a result sequence, skipping undefined.
@inline(__always)
func appendDefined(_ value: Value?, to items: inout [Value]) {
    if let value { items.append(value) }
}

/// `fn.append`: joins two values into one array (either may be undefined or a single value).
/// Like JavaScript's `concat`, the result is a plain array even when an operand was a sequence.
func appendValues(_ first: Value?, _ second: Value?) -> Value? {
    guard let first else { return second }
    guard let second else { return first }
    var items: [Value]
    if case .array(let a, _) = first { items = a } else { items = [first] }
    if case .array(let b, _) = second { items.append(contentsOf: b) } else { items.append(second) }
    return .array(items, [])
}

extension Optional where Wrapped == Value {
    /// Is this an evaluator-made sequence (which `evaluate` collapses)?
    var isSequence: Bool {
        if case .array(_, let flags)? = self { return flags.contains(.sequence) }
        return false
    }
}
