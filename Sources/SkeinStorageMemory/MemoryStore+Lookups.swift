import Foundation
import SkeinCore
import SkeinStorage

/// Lookup tables with their rows in order, and when each last changed.
struct LookupTables {
    var tables: [String: LookupTable] = [:]
    var updatedAt: [String: Date] = [:]
}

extension MemoryStore: LookupStore {
    public func saveLookup(_ table: LookupTable, updatedAt: Date) async throws {
        try transaction { state in
            state.lookups.tables[table.name] = table
            state.lookups.updatedAt[table.name] = storedTime(updatedAt)
        }
    }

    public func lookup(named name: String) async throws -> LookupTable? {
        try transaction { state in state.lookups.tables[name] }
    }

    public func lookups() async throws -> [LookupSummary] {
        try transaction { state in
            state.lookups.tables.values.sorted { byteOrder($0.name, $1.name) }.map { table in
                LookupSummary(
                    name: table.name, description: table.description, defaultValue: table.defaultValue,
                    rowCount: table.rows.count, updatedAt: state.lookups.updatedAt[table.name] ?? Date(timeIntervalSince1970: 0))
            }
        }
    }

    public func deleteLookup(named name: String) async throws -> Bool {
        try transaction { state in
            state.lookups.updatedAt[name] = nil
            return state.lookups.tables.removeValue(forKey: name) != nil
        }
    }

    public func importLookupRows(_ name: String, rows: [LookupRow], now: Date) async throws -> LookupMergeCounts {
        try transaction { state in
            guard var table = state.lookups.tables[name] else { throw StorageError(.notFound, "no lookup table named '\(name)'") }
            let existing = Dictionary(table.rows.map { ($0.left, $0.right) }, uniquingKeysWith: { _, last in last })
            let plan = try LookupImportPlan(table: name, existing: existing, lastPosition: table.rows.count, incoming: rows)
            table.merge(rows)
            state.lookups.tables[name] = table
            state.lookups.updatedAt[name] = storedTime(now)
            return plan.counts
        }
    }

    public func removeLookupRow(_ name: String, left: String, now: Date) async throws -> Bool {
        try transaction { state in
            guard var table = state.lookups.tables[name], let offset = table.rows.firstIndex(where: { $0.left == left }) else { return false }
            table.rows.remove(at: offset)
            state.lookups.tables[name] = table
            state.lookups.updatedAt[name] = storedTime(now)
            return true
        }
    }
}
