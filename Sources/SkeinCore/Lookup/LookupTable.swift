/// A cross-reference lookup: a named two-column table translating codes between two systems
/// (a shop's shipping method to a warehouse's carrier code, a country name to its ISO code).
///
/// Each row pairs a `left` value with a `right` value. Left values are unique, so left → right
/// is a function; right → left (the reverse direction) is one only where a right value appears
/// once, and an ambiguous reverse lookup is an error rather than an arbitrary pick.
/// `defaultValue`, when set, is the answer for a value with no row (in either direction).
public struct LookupTable: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var defaultValue: String?
    public var rows: [LookupRow]

    public init(name: String, description: String = "", defaultValue: String? = nil, rows: [LookupRow] = []) {
        self.name = name
        self.description = description
        self.defaultValue = defaultValue
        self.rows = rows
    }
}

/// One row of a lookup table.
public struct LookupRow: Sendable, Hashable, Codable {
    public var left: String
    public var right: String

    public init(left: String, right: String) {
        self.left = left
        self.right = right
    }
}

/// Which way a lookup translates.
public enum LookupDirection: String, Sendable, Hashable, Codable, CaseIterable {
    /// left → right (`$lookup(table, value)`).
    case forward
    /// right → left (`$lookup(table, value, "reverse")`).
    case reverse
}

/// Limits on lookup tables, with their defaults (documented in docs/lookups.md).
public enum LookupLimits {
    /// Longest table name: 64 characters of `a-z 0-9 - _`, starting with a letter or digit.
    public static let maxNameLength = 64
    /// Longest left or right value, in UTF-8 bytes.
    public static let maxValueBytes = 1024
    /// Most rows in one table.
    public static let maxRows = 100_000
    /// Largest CSV accepted by an import: 5 MB.
    public static let maxImportBytes = 5 * 1024 * 1024

    /// Checks a table name; returns the problem, or nil when the name is valid.
    public static func problem(withName name: String) -> String? {
        if name.isEmpty { return "a lookup name cannot be empty" }
        if name.utf8.count > maxNameLength { return "lookup name '\(name.prefix(maxNameLength))…' is longer than \(maxNameLength) characters" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        guard name.utf8.allSatisfy(allowed.contains), let first = name.utf8.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "_") else {
            return "lookup name '\(name)' must be lowercase letters, digits, '-' or '_', starting with a letter or digit"
        }
        return nil
    }

    /// Checks one left or right value; returns the problem, or nil when the value is valid.
    public static func problem(withValue value: String, column: String) -> String? {
        if column == "left" && value.isEmpty { return "the left value cannot be empty" }
        if value.utf8.count > maxValueBytes { return "the \(column) value is longer than \(maxValueBytes) bytes" }
        return nil
    }
}

/// Why a lookup gave no answer. The message names the table and the value, so a failed
/// payload says exactly which code is missing from which table.
public enum LookupError: Error, Sendable, Hashable, CustomStringConvertible {
    case noSuchTable(String)
    case noMatch(table: String, value: String, direction: LookupDirection)
    case ambiguousReverse(table: String, value: String, lefts: [String])

    public var description: String {
        switch self {
        case .noSuchTable(let table):
            "no lookup table named '\(table)'"
        case .noMatch(let table, let value, let direction):
            "lookup '\(table)' has no row whose \(direction == .forward ? "left" : "right") value is '\(value)' and no default"
        case .ambiguousReverse(let table, let value, let lefts):
            "lookup '\(table)': right value '\(value)' belongs to \(lefts.count) rows (\(lefts.prefix(3).map { "'\($0)'" }.joined(separator: ", "))), so the reverse lookup is ambiguous"
        }
    }
}

/// A table indexed both ways for lookups during a run: built once per table per run, then each
/// lookup is a dictionary read.
public struct LookupIndex: Sendable {
    public let name: String
    public let defaultValue: String?
    private let forward: [String: String]
    private let reverse: [String: [String]]

    public init(_ table: LookupTable) {
        name = table.name
        defaultValue = table.defaultValue
        var forward: [String: String] = [:]
        var reverse: [String: [String]] = [:]
        forward.reserveCapacity(table.rows.count)
        for row in table.rows {
            forward[row.left] = row.right
            reverse[row.right, default: []].append(row.left)
        }
        self.forward = forward
        self.reverse = reverse
    }

    /// The translation of `value`, the table's default when no row matches, or an error naming
    /// the table and the value when there is neither. `fallback` (a default given at the call)
    /// wins over the table's default.
    public func resolve(_ value: String, direction: LookupDirection = .forward, fallback: String? = nil) throws(LookupError) -> String {
        switch direction {
        case .forward:
            if let right = forward[value] { return right }
        case .reverse:
            if let lefts = reverse[value] {
                guard lefts.count == 1 else { throw .ambiguousReverse(table: name, value: value, lefts: lefts.sorted()) }
                return lefts[0]
            }
        }
        if let answer = fallback ?? defaultValue { return answer }
        throw .noMatch(table: name, value: value, direction: direction)
    }
}

/// What an import did to a table: rows added, rows whose right value changed, rows already so.
public struct LookupMergeCounts: Sendable, Hashable, Codable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0

    public init(added: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
    }
}

extension LookupTable {
    /// Adds `incoming` rows and updates the right value of rows whose left value exists
    /// (an import never deletes rows). New rows go at the end in the order given.
    @discardableResult
    public mutating func merge(_ incoming: [LookupRow]) -> LookupMergeCounts {
        var position: [String: Int] = [:]
        for (offset, row) in rows.enumerated() { position[row.left] = offset }
        var counts = LookupMergeCounts()
        for row in incoming {
            if let offset = position[row.left] {
                if rows[offset].right == row.right {
                    counts.unchanged += 1
                } else {
                    rows[offset].right = row.right
                    counts.updated += 1
                }
            } else {
                position[row.left] = rows.count
                rows.append(row)
                counts.added += 1
            }
        }
        return counts
    }
}
