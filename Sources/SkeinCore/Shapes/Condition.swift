public import SkeinJSON

/// A test on one field of a payload, used by filter and assert shapes:
/// `{field: status, equals: paid}`, `{field: total, greater_than: 100}`, `{field: email, exists: true}`.
public struct Condition: Sendable, Equatable {
    public enum Test: Sendable, Equatable {
        case equals(JSON)
        case notEquals(JSON)
        case greaterThan(Double)
        case lessThan(Double)
        case contains(String)
        case oneOf([JSON])
        case exists(Bool)
    }

    public var field: FieldPath
    public var test: Test

    public static let operators = ["equals", "not_equals", "greater_than", "less_than", "contains", "one_of", "exists"]

    /// One condition object, as filter `where:` and assert `that:` list them.
    public static let spec = ObjectSpec(
        [
            FieldSpec(
                "field", .fieldPath, required: true,
                help: "The payload field tested: a dotted path such as `financial_status` or `line_items[0].sku`."),
            FieldSpec("equals", .anyJSON, help: "Holds when the field equals this value; numbers written as strings (`\"12.50\"`) compare as numbers."),
            FieldSpec("not_equals", .anyJSON, help: "Holds when the field does not equal this value (or is missing)."),
            FieldSpec("greater_than", .number, help: "Holds when the field is a number (or numeric text) greater than this."),
            FieldSpec("less_than", .number, help: "Holds when the field is a number (or numeric text) less than this."),
            FieldSpec("contains", .string, help: "Holds when the field is text containing this, or a list with this text as an item."),
            FieldSpec("one_of", .list(.anyJSON), help: "Holds when the field equals one of these values."),
            FieldSpec("exists", .boolean, help: "`true`: holds when the field is there and not null; `false`: when it is not."),
        ],
        rules: [
            .exactlyOne(
                operators, whenNone: RuleMessage("", "needs one test: \(operators.joined(separator: ", "))"),
                whenSeveral: RuleMessage("", "has several tests ({given}); use one per condition"))
        ])

    /// The conditions of a validated list (`where:`, `that:`).
    public static func list(_ items: [SpecValue]) -> [Condition] { items.compactMap { $0.object.flatMap(Condition.init) } }

    public func holds(for document: JSON) -> Bool {
        let value = field.value(in: document)
        switch test {
        case .exists(let expected): return (value != nil && value != .null) == expected
        case .equals(let expected): return value.map { Condition.looselyEqual($0, expected) } ?? false
        case .notEquals(let expected): return !(value.map { Condition.looselyEqual($0, expected) } ?? false)
        case .greaterThan(let bound): return Condition.number(value).map { $0 > bound } ?? false
        case .lessThan(let bound): return Condition.number(value).map { $0 < bound } ?? false
        case .contains(let needle):
            switch value {
            case .string(let s)?: return s.contains(needle)
            case .array(let elements)?: return elements.contains(.string(needle))
            default: return false
            }
        case .oneOf(let options): return value.map { v in options.contains { Condition.looselyEqual(v, $0) } } ?? false
        }
    }

    /// Words a person reads in a failed assertion: `status equals "paid"`.
    public var summary: String {
        switch test {
        case .equals(let v): "\(field) equals \(v.serialized())"
        case .notEquals(let v): "\(field) does not equal \(v.serialized())"
        case .greaterThan(let n): "\(field) is greater than \(JSON.format(number: n))"
        case .lessThan(let n): "\(field) is less than \(JSON.format(number: n))"
        case .contains(let s): "\(field) contains \"\(s)\""
        case .oneOf(let values): "\(field) is one of \(JSON.array(values).serialized())"
        case .exists(let b): b ? "\(field) exists" : "\(field) does not exist"
        }
    }

    /// Numbers written as strings (`"12.50"`) compare as numbers, as they arrive from many shops.
    static func looselyEqual(_ a: JSON, _ b: JSON) -> Bool {
        if a == b { return true }
        if let x = number(a), let y = number(b) { return x == y }
        return false
    }

    static func number(_ value: JSON?) -> Double? {
        switch value {
        case .number(let n)?: n
        case .string(let s)?: Double(s)
        default: nil
        }
    }
}

extension Condition {
    /// The condition in a validated condition object.
    public init?(_ settings: ValidSettings) {
        guard let op = Condition.operators.first(where: settings.has), let value = settings.optional.json(op) else { return nil }
        field = settings.fieldPath("field")
        switch (op, value) {
        case ("equals", _): test = .equals(value)
        case ("not_equals", _): test = .notEquals(value)
        case ("greater_than", .number(let number)): test = .greaterThan(number)
        case ("less_than", .number(let number)): test = .lessThan(number)
        case ("contains", .string(let text)): test = .contains(text)
        case ("one_of", .array(let values)): test = .oneOf(values)
        case ("exists", .bool(let flag)): test = .exists(flag)
        default: return nil
        }
    }
}
