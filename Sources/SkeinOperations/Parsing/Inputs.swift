public import Foundation
public import SkeinCore
public import SkeinJSON

/// Named text values: the form every front end's input reduces to before an operation reads
/// it — a query string (`status=failed&status=pending`), a form, CLI flags (`--status failed`)
/// or an MCP tool's arguments (`{"status": ["failed"], "days": 3}`).
///
/// The readers below are the only place a filter, a number, a flag, an id or a date is parsed;
/// each refuses a bad value with `invalid_field` naming the parameter, never a silent default.
/// Names not asked for are ignored (a page's `notice`, a form's `_csrf`).
public struct Inputs: Sendable, Equatable {
    public var values: [String: [String]]

    public init(_ values: [String: [String]] = [:]) { self.values = values }

    /// Pairs in order; a name may repeat.
    public init(pairs: [(String, String)]) {
        var values: [String: [String]] = [:]
        for (name, value) in pairs { values[name, default: []].append(value) }
        self.values = values
    }

    /// A JSON object's members (an API body's `filter`, an MCP tool's arguments): strings,
    /// whole numbers, booleans and lists of them; `null` is absent.
    public init(json object: JSON.Object, prefix: String = "") throws(OperationError) {
        var values: [String: [String]] = [:]
        for (key, value) in object {
            let field = prefix + key
            func text(_ value: JSON) throws(OperationError) -> String? {
                switch value {
                case .string(let text): return text
                case .bool(let flag): return flag ? "true" : "false"
                case .number(let number):
                    guard number == number.rounded(), abs(number) < 1e15 else { throw .invalid(field, "\(field) must be a whole number") }
                    return String(Int64(number))
                case .null: return nil
                default: throw .invalid(field, "\(field) must be a string, a number, true or false, or a list of them")
                }
            }
            if case .array(let items) = value {
                var list: [String] = []
                for item in items {
                    guard case .array = item else {
                        if let text = try text(item) { list.append(text) }
                        continue
                    }
                    throw .invalid(field, "\(field) must hold strings")
                }
                values[key] = list
            } else if let text = try text(value) {
                values[key] = [text]
            }
        }
        self.values = values
    }

    public subscript(name: String) -> [String] {
        get { values[name] ?? [] }
        set { values[name] = newValue.isEmpty ? nil : newValue }
    }

    /// Sets `name` to `value` (nil removes it).
    public mutating func set(_ name: String, _ value: String?) { values[name] = value.map { [$0] } }

    /// Whether any of `names` is given (with a non-empty value).
    public func hasAny(_ names: [String]) -> Bool { names.contains { !(values[$0] ?? []).allSatisfy(\.isEmpty) } }

    /// The last value; an empty value (`flow=`) counts as absent.
    public func string(_ name: String) -> String? { values[name]?.last.flatMap { $0.isEmpty ? nil : $0 } }

    /// Repeated (`status=a&status=b`) and comma-separated (`status=a,b`) values alike.
    public func list(_ name: String) -> [String] {
        (values[name] ?? []).flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
    }

    public func int(_ name: String, in range: ClosedRange<Int>) throws(OperationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalid(name, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return value
    }

    /// A non-negative id.
    public func int64(_ name: String) throws(OperationError) -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Int64(text), value >= 0 else { throw .invalid(name, "\(name) must be an id (a number from 0), found '\(text)'") }
        return value
    }

    /// A typed id (`RunID`, `SyncEntryID`), when given.
    public func id<ID: NumericID>(_ name: String, as type: ID.Type = ID.self) throws(OperationError) -> ID? {
        try int64(name).map { ID($0) }
    }

    /// One of `choices`; present but empty is an error too.
    public func choice(_ name: String, _ choices: [String]) throws(OperationError) -> String? {
        guard let text = values[name]?.last else { return nil }
        guard choices.contains(text) else {
            throw .invalid(name, "\(name) must be one of \(choices.joined(separator: ", ")), found '\(text)'")
        }
        return text
    }

    public func bool(_ name: String) throws(OperationError) -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw .invalid(name, "\(name) must be true or false, found '\(text)'")
        }
    }

    /// A UTC date (`2026-05-01`; with `endOfDay` its last millisecond) or date-time (`2026-05-01T12:00:00Z`);
    /// empty is absent, as a form's blank date field sends it.
    public func date(_ name: String, endOfDay: Bool = false) throws(OperationError) -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = UTCDate.parse(text, endOfDay: endOfDay) else {
            throw .invalid(name, "\(name) must be a UTC date (2026-05-01) or time (2026-05-01T12:00:00Z), found '\(text)'")
        }
        return date
    }

    /// Values of an enumeration, each checked (case-insensitively).
    public func values<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws(OperationError) -> [T]
    where T.RawValue == String {
        var result: [T] = []
        for text in (values[name] ?? []).flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }) {
            guard let value = T(rawValue: text.lowercased()) else {
                throw .invalid(name, "unknown \(name) '\(text)'; use \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            result.append(value)
        }
        return result
    }
}

/// The one reader of UTC dates and times on every front end.
public enum UTCDate {
    /// `2026-05-01` (midnight UTC, or with `endOfDay` the day's last millisecond) or an
    /// ISO 8601 time (`2026-05-01T12:00:00Z`, fractional seconds allowed); nil otherwise.
    public static func parse(_ text: String, endOfDay: Bool = false) -> Date? {
        if text.count == 10, let day = try? Date(text + "T00:00:00Z", strategy: .iso8601) {
            return endOfDay ? day.addingTimeInterval(86400 - 0.001) : day
        }
        if let time = try? Date(text, strategy: .iso8601) { return time }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `2026-05-01T12:00:00.000Z`: how times leave Skein (JSON, CSV, `--json`).
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }
}
