public import SkeinJSON

/// Reads one JSON object of settings, checking types and recording every problem with its
/// path. Call `finish()` last: it reports the keys nobody asked for as unknown fields, which
/// catches typos such as `retires:` that would otherwise be silently ignored.
///
/// ```swift
/// let reader = SettingsReader(settings, path: "shapes[2].split", problems: problems)
/// let path = reader.string("path", required: true)
/// let size = reader.int("batch_size", range: 1...100_000)
/// reader.finish()
/// ```
public final class SettingsReader: @unchecked Sendable {
    public let path: String
    public let problems: ProblemList
    public let members: JSON.Object
    private var seen: Set<String> = []

    /// Fails (recording a problem) when `value` is not an object.
    public init?(_ value: JSON?, path: String, problems: ProblemList, allowMissing: Bool = true) {
        self.path = path
        self.problems = problems
        switch value {
        case .object(let members)?: self.members = members
        case nil where allowMissing, .null? where allowMissing: self.members = [:]
        case let other:
            problems.add(path, "expected an object of settings, found \(other?.typeName ?? "nothing")")
            return nil
        }
    }

    public func childPath(_ key: String) -> String {
        if key.isEmpty { return path }
        return path.isEmpty ? key : "\(path).\(key)"
    }

    /// The raw value of `key`, marking it as known.
    public func raw(_ key: String) -> JSON? {
        seen.insert(key)
        let value = members[key]
        return value == .null ? nil : value
    }

    public func has(_ key: String) -> Bool { members[key] != nil }

    public func string(_ key: String, required: Bool = false, allowed: [String]? = nil) -> String? {
        guard let value = raw(key) else {
            if required { problems.add(childPath(key), "required field is missing") }
            return nil
        }
        guard case .string(let string) = value else {
            problems.add(childPath(key), "expected a string, found \(value.typeName)")
            return nil
        }
        if let allowed, !allowed.contains(string) {
            problems.add(childPath(key), "'\(string)' is not one of \(allowed.joined(separator: ", "))")
            return nil
        }
        if required && string.isEmpty {
            problems.add(childPath(key), "must not be empty")
            return nil
        }
        return string
    }

    public func bool(_ key: String) -> Bool? {
        guard let value = raw(key) else { return nil }
        guard case .bool(let bool) = value else {
            problems.add(childPath(key), "expected true or false, found \(value.typeName)")
            return nil
        }
        return bool
    }

    public func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        guard let value = raw(key) else {
            if required { problems.add(childPath(key), "required field is missing") }
            return nil
        }
        guard case .number(let number) = value, number == number.rounded(), abs(number) < 9e15 else {
            problems.add(childPath(key), "expected a whole number, found \(value.serialized())")
            return nil
        }
        let int = Int(number)
        if let range, !range.contains(int) {
            problems.add(childPath(key), "\(int) is outside \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return int
    }

    /// A duration written as `500ms`, `2s`, `5m`, `1h` or a number of seconds.
    public func duration(_ key: String) -> Duration? {
        guard let value = raw(key) else { return nil }
        if let parsed = DurationText.parse(value) { return parsed }
        problems.add(childPath(key), "expected a duration such as 500ms, 2s, 5m or 1h, found \(value.serialized())")
        return nil
    }

    public func object(_ key: String, required: Bool = false) -> SettingsReader? {
        let value = raw(key)
        if value == nil {
            if required { problems.add(childPath(key), "required field is missing") }
            return nil
        }
        return SettingsReader(value, path: childPath(key), problems: problems)
    }

    public func array(_ key: String, required: Bool = false) -> [JSON]? {
        guard let value = raw(key) else {
            if required { problems.add(childPath(key), "required field is missing") }
            return nil
        }
        guard case .array(let elements) = value else {
            problems.add(childPath(key), "expected a list, found \(value.typeName)")
            return nil
        }
        return elements
    }

    public func fieldPath(_ key: String, required: Bool = false) -> FieldPath? {
        guard let text = string(key, required: required) else { return nil }
        do { return try FieldPath(text) } catch {
            problems.add(childPath(key), error.message)
            return nil
        }
    }

    /// Reports every key that no accessor asked for.
    public func finish() {
        for key in members.keys where !seen.contains(key) {
            problems.add(childPath(key), "unknown field '\(key)'")
        }
    }

    public func report(_ key: String, _ message: String) {
        problems.add(childPath(key), message)
    }
}
