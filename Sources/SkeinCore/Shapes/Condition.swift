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

    /// Reads one condition object, reporting problems at its path.
    public static func read(_ value: JSON, path: String, problems: ProblemList) -> Condition? {
        guard let reader = SettingsReader(value, path: path, problems: problems, allowMissing: false) else { return nil }
        let field = reader.fieldPath("field", required: true)
        let present = operators.filter { reader.has($0) }
        var test: Test?
        if present.count != 1 {
            reader.report("", present.isEmpty
                ? "needs one test: \(operators.joined(separator: ", "))"
                : "has several tests (\(present.joined(separator: ", "))); use one per condition")
        } else {
            let op = present[0]
            let raw = reader.raw(op) ?? .null
            switch op {
            case "equals": test = .equals(raw)
            case "not_equals": test = .notEquals(raw)
            case "greater_than", "less_than":
                if case .number(let n) = raw { test = op == "greater_than" ? .greaterThan(n) : .lessThan(n) }
                else { reader.report(op, "expected a number, found \(raw.typeName)") }
            case "contains":
                if case .string(let s) = raw { test = .contains(s) } else { reader.report(op, "expected a string, found \(raw.typeName)") }
            case "one_of":
                if case .array(let values) = raw { test = .oneOf(values) } else { reader.report(op, "expected a list, found \(raw.typeName)") }
            case "exists":
                if case .bool(let b) = raw { test = .exists(b) } else { reader.report(op, "expected true or false, found \(raw.typeName)") }
            default: break
            }
        }
        reader.finish()
        guard let field, let test else { return nil }
        return Condition(field: field, test: test)
    }

    /// Reads a list of conditions.
    public static func readList(_ values: [JSON], path: String, problems: ProblemList) -> [Condition]? {
        var conditions: [Condition] = []
        var ok = true
        for (index, value) in values.enumerated() {
            if let condition = read(value, path: "\(path)[\(index)]", problems: problems) { conditions.append(condition) } else { ok = false }
        }
        return ok ? conditions : nil
    }

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
