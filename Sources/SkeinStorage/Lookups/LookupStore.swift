public import Foundation
public import SkeinCore

/// Cross-reference lookup tables (`skein lookup`, `/api/v1/lookups`, `$lookup` in expressions).
/// Each method is one transaction; rows keep the order they were added in.
///
/// Names, values and row counts are checked by the operations layer (`LookupLimits`) before
/// they get here; the store only refuses an import that would take a table over
/// `LookupLimits.maxRows`, since only the transaction sees the rows already there.
public protocol LookupStore: Sendable {
    /// Creates the table, or replaces an existing one's description, default and rows whole.
    func saveLookup(_ table: LookupTable, updatedAt: Date) async throws
    /// The table with its rows, or nil when there is none by that name.
    func lookup(named name: String) async throws -> LookupTable?
    /// Every table, by name, with its row count.
    func lookups() async throws -> [LookupSummary]
    /// False when there was no such table.
    func deleteLookup(named name: String) async throws -> Bool
    /// Adds `rows` to the table and updates the right value of rows whose left value exists
    /// (never deletes), all or nothing. Throws `StorageError(.notFound)` when there is no such
    /// table, and `StorageError(.conflict)` when the table would hold more than `LookupLimits.maxRows`.
    /// `rows` must not repeat a left value.
    func importLookupRows(_ name: String, rows: [LookupRow], now: Date) async throws -> LookupMergeCounts
    /// Removes the row with this left value; false when the table has none (or there is no table).
    func removeLookupRow(_ name: String, left: String, now: Date) async throws -> Bool
}

/// What an import changes, worked out from the rows already stored, so every backend counts
/// and refuses the same way.
public struct LookupImportPlan: Sendable {
    public var counts: LookupMergeCounts
    /// New rows, in order, with the position each takes.
    public var added: [(position: Int, row: LookupRow)]
    /// Rows whose right value changes.
    public var updated: [LookupRow]

    /// Compares `incoming` with the stored `existing` rows (left → right) whose highest position is `lastPosition`.
    public init(table: String, existing: [String: String], lastPosition: Int, incoming: [LookupRow]) throws {
        counts = LookupMergeCounts()
        added = []
        updated = []
        var next = lastPosition
        for row in incoming {
            switch existing[row.left] {
            case row.right?: counts.unchanged += 1
            case .some: counts.updated += 1; updated.append(row)
            case nil:
                next += 1
                counts.added += 1
                added.append((next, row))
            }
        }
        guard existing.count + added.count <= LookupLimits.maxRows else {
            throw StorageError(.conflict, "lookup '\(table)' would hold \(existing.count + added.count) rows; a table holds at most \(LookupLimits.maxRows)")
        }
    }
}
