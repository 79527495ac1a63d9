public import JSONata
import SkeinJSON

/// The lookup tables one run uses, read from the store once when the run starts (or resumes)
/// and shared by every expression of that run: `$lookup` is then a dictionary read, not a query.
///
/// In JSONata:
/// ```
/// $lookup("shipping-codes", shipping_method)              /* left → right */
/// $lookup("shipping-codes", carrier, "reverse")           /* right → left */
/// ```
/// A value with no row gives the table's default; without a default the expression fails with
/// an error naming the table and the value (`L1002`), which fails the step on that payload.
/// An undefined or null value passes through; a number or boolean is matched as its text
/// (`3` as `"3"`); an array is looked up member by member.
public struct RunLookups: Sendable {
    /// What expressions of the run get as host functions: `lookup`, or nothing when the run's
    /// flow never mentions `$lookup`.
    public let functions: [String: JSONataFunction]

    /// No lookups: for runs whose flow does not use them.
    public static let none = RunLookups(functions: [:])

    private init(functions: [String: JSONataFunction]) {
        self.functions = functions
    }

    /// `$lookup` over `tables`; a name not among them is an unknown table (`L1001`).
    public init(_ tables: [LookupTable]) {
        let indexes = Dictionary(tables.map { ($0.name, LookupIndex($0)) }, uniquingKeysWith: { first, _ in first })
        // Without a signature the function takes its arguments as given; it checks them itself.
        let function = try! JSONataFunction(arity: 3) { arguments in
            try LookupFunction.call(arguments, indexes: indexes)
        }
        self.init(functions: ["lookup": function])
    }
}

/// `$lookup(table, value[, direction])`, with its error codes:
/// `L1001` no such table, `L1002` no row and no default, `L1003` an ambiguous reverse lookup,
/// `L1004` a wrong argument.
enum LookupFunction {
    static func call(_ arguments: [JSON?], indexes: [String: LookupIndex]) throws -> JSON? {
        guard case .string(let name)? = arguments.first ?? nil else {
            throw JSONataError(code: "L1004", message: "the first argument of $lookup must be the name of a lookup table (a string)")
        }
        let direction: LookupDirection
        switch arguments.count > 2 ? arguments[2] : nil {
        case nil, .string("forward")?: direction = .forward
        case .string("reverse")?: direction = .reverse
        case let other?:
            throw JSONataError(code: "L1004", message: "the third argument of $lookup must be \"reverse\" or \"forward\", not \(other.serialized())")
        }
        guard let index = indexes[name] else {
            throw JSONataError(code: "L1001", message: LookupError.noSuchTable(name).description)
        }
        return try translate(arguments.count > 1 ? arguments[1] : nil, index: index, direction: direction)
    }

    static func translate(_ value: JSON?, index: LookupIndex, direction: LookupDirection) throws -> JSON? {
        let key: String
        switch value {
        case nil: return nil
        case .null?: return .null
        case .string(let text)?: key = text
        case .number?, .bool?: key = value!.serialized()
        case .array(let members)?:
            return .array(try members.map { try translate($0, index: index, direction: direction) ?? .null })
        case .object?:
            throw JSONataError(code: "L1004", message: "$lookup on table '\(index.name)' was given an object; it looks up strings, numbers and booleans")
        }
        do {
            return .string(try index.resolve(key, direction: direction))
        } catch {
            switch error {
            case .noSuchTable: throw JSONataError(code: "L1001", message: error.description)
            case .noMatch: throw JSONataError(code: "L1002", message: error.description)
            case .ambiguousReverse: throw JSONataError(code: "L1003", message: error.description)
            }
        }
    }
}

/// Which lookup tables a flow's text names in `$lookup("name", …)` calls, so a run loads only
/// those. A `$lookup` whose first argument is not a string literal (a variable, an expression)
/// makes `dynamic` true: such a run loads every table.
public struct LookupReferences: Sendable, Hashable {
    public var names: Set<String>
    public var dynamic: Bool

    public var isEmpty: Bool { names.isEmpty && !dynamic }

    public init(names: Set<String> = [], dynamic: Bool = false) {
        self.names = names
        self.dynamic = dynamic
    }

    /// Scans `text` (a flow file, or one expression). Quotes may be escaped (`\"`), as in a
    /// YAML or JSON string.
    public init(scanning text: String) {
        self.init()
        let bytes = Array(text.utf8)
        let marker = Array("$lookup".utf8)
        var index = 0
        while index + marker.count <= bytes.count {
            guard bytes[index..<index + marker.count].elementsEqual(marker) else { index += 1; continue }
            index += marker.count
            if let name = Self.literalName(bytes, after: index) { names.insert(name) } else { dynamic = true }
        }
    }

    /// The table name in `("name"` or `('name'` from `start`, skipping spaces and escapes; nil when it is not a literal.
    static func literalName(_ bytes: [UInt8], after start: Int) -> String? {
        var index = start
        func skipSpaces() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
        }
        skipSpaces()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "(") else { return nil }
        index += 1
        skipSpaces()
        if index < bytes.count, bytes[index] == UInt8(ascii: "\\") { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { return nil }
        let quote = bytes[index]
        index += 1
        let nameStart = index
        while index < bytes.count, bytes[index] != quote, bytes[index] != UInt8(ascii: "\\") { index += 1 }
        guard index < bytes.count, let name = String(validating: bytes[nameStart..<index], as: UTF8.self),
            LookupLimits.problem(withName: name) == nil
        else { return nil }
        return name
    }
}
