public import Foundation
public import SkeinCore
import SkeinStorage

/// Cross-reference lookup tables (`$lookup` in expressions): everyone may read them; builders
/// and admins create, change, import into and delete them. Every change is audited.
///
/// Names, values and sizes are checked here against `LookupLimits` (documented in
/// docs/lookups.md), so the CLI, the API and the web UI refuse the same input the same way.
public struct LookupOperations: Sendable {
    let store: any LookupStore
    let audit: AuditTrail
    let now: @Sendable () -> Date

    /// Every table, by name, with its row count (read).
    public func list(_ caller: Identity?) async throws -> [LookupSummary] {
        try Permission.read.require(caller)
        return try await store.lookups()
    }

    /// One table with its rows, and when it last changed (read).
    public func table(_ caller: Identity?, name: String) async throws -> (table: LookupTable, updatedAt: Date) {
        try Permission.read.require(caller)
        try Self.checkName(name)
        guard let table = try await store.lookup(named: name),
            let summary = try await store.lookups().first(where: { $0.name == name })
        else { throw Self.missing(name) }
        return (table, summary.updatedAt)
    }

    /// Creates an empty table, or one with `rows` (builder). A name already taken is a conflict.
    public func create(_ caller: Identity?, _ table: LookupTable) async throws {
        let caller = try Permission.build.require(caller)
        try Self.check(table)
        guard try await store.lookup(named: table.name) == nil else {
            throw OperationError.conflict("lookup table '\(table.name)' already exists; change it, or delete it first")
        }
        try await store.saveLookup(table, updatedAt: now())
        try await audit.record(caller, "lookup.create", target: "lookup:\(table.name)", details: ["rows": .number(Double(table.rows.count))])
    }

    /// Creates the table or replaces it whole: description, default and rows (builder).
    /// Returns whether it was created.
    @discardableResult
    public func replace(_ caller: Identity?, _ table: LookupTable) async throws -> Bool {
        let caller = try Permission.build.require(caller)
        try Self.check(table)
        let created = try await store.lookup(named: table.name) == nil
        try await store.saveLookup(table, updatedAt: now())
        try await audit.record(
            caller, created ? "lookup.create" : "lookup.replace", target: "lookup:\(table.name)",
            details: ["rows": .number(Double(table.rows.count))])
        return created
    }

    /// Changes a table's description and default, keeping its rows (builder). `defaultValue`
    /// nil leaves the default as it is; `.some(nil)` removes it.
    public func describe(_ caller: Identity?, name: String, description: String?, defaultValue: String??) async throws {
        let caller = try Permission.build.require(caller)
        try Self.checkName(name)
        guard var table = try await store.lookup(named: name) else { throw Self.missing(name) }
        if let description { table.description = description }
        if let defaultValue { table.defaultValue = defaultValue }
        try Self.check(table)
        try await store.saveLookup(table, updatedAt: now())
        try await audit.record(caller, "lookup.update", target: "lookup:\(name)")
    }

    /// Sets one row: adds it, or changes the right value of the row with this left value (builder).
    /// Returns whether the row was added (true) or already there (false).
    @discardableResult
    public func setRow(_ caller: Identity?, name: String, row: LookupRow) async throws -> Bool {
        let caller = try Permission.build.require(caller)
        try Self.checkName(name)
        try Self.check(row)
        let counts = try await importing(name) { try await store.importLookupRows(name, rows: [row], now: now()) }
        try await audit.record(caller, "lookup.set_row", target: "lookup:\(name)", details: ["left": .string(row.left)])
        return counts.added == 1
    }

    /// Removes the row with this left value (builder); not found when there is none.
    public func removeRow(_ caller: Identity?, name: String, left: String) async throws {
        let caller = try Permission.build.require(caller)
        try Self.checkName(name)
        guard try await store.removeLookupRow(name, left: left, now: now()) else {
            if try await store.lookup(named: name) == nil { throw Self.missing(name) }
            throw OperationError.notFound("lookup table '\(name)' has no row whose left value is '\(left)'")
        }
        try await audit.record(caller, "lookup.remove_row", target: "lookup:\(name)", details: ["left": .string(left)])
    }

    /// Imports CSV (`left,right` header, at most `LookupLimits.maxImportBytes`) into an existing
    /// table in one transaction: rows are added, right values of existing left values updated,
    /// nothing deleted (builder). `file` names the input in errors, with the line at fault.
    public func importCSV(_ caller: Identity?, name: String, bytes: [UInt8], file: String) async throws -> LookupMergeCounts {
        let caller = try Permission.build.require(caller)
        try Self.checkName(name)
        let rows: [LookupRow]
        do { rows = try LookupCSV.parse(bytes) } catch {
            throw OperationError.invalid("file", error.line > 0 ? "\(file) line \(error.line): \(error.message)" : "\(file): \(error.message)")
        }
        let counts = try await importing(name) { try await store.importLookupRows(name, rows: rows, now: now()) }
        try await audit.record(
            caller, "lookup.import", target: "lookup:\(name)",
            details: [
                "rows": .number(Double(rows.count)), "added": .number(Double(counts.added)), "updated": .number(Double(counts.updated)),
            ])
        return counts
    }

    /// The table's rows as CSV (`left,right` header), in their order (read).
    public func exportCSV(_ caller: Identity?, name: String) async throws -> String {
        LookupCSV.format(try await table(caller, name: name).table.rows)
    }

    /// The tables `expression` names in `$lookup` calls, read for one evaluation (`skein expr`,
    /// `POST /api/v1/expr`, the playground), read only (read). Empty when it names none.
    public func forExpression(_ caller: Identity?, _ expression: String) async throws -> RunLookups {
        try Permission.read.require(caller)
        return try await RunLookups.load(LookupReferences(scanning: expression), from: store)
    }

    /// Deletes a table with its rows (builder). Flows that use it fail their `$lookup` calls from then on.
    public func delete(_ caller: Identity?, name: String) async throws {
        let caller = try Permission.build.require(caller)
        try Self.checkName(name)
        guard try await store.deleteLookup(named: name) else { throw Self.missing(name) }
        try await audit.record(caller, "lookup.delete", target: "lookup:\(name)")
    }

    /// Runs a store import, turning its refusals into this layer's errors.
    private func importing(_ name: String, _ body: () async throws -> LookupMergeCounts) async throws -> LookupMergeCounts {
        do { return try await body() } catch let error as StorageError where error.code == .notFound {
            throw Self.missing(name)
        } catch let error as StorageError where error.code == .conflict && error.message.contains("at most") {
            throw OperationError.invalid("file", error.message)
        }
    }

    static func missing(_ name: String) -> OperationError {
        OperationError.notFound("no lookup table named '\(name)' (skein lookup list shows them)")
    }

    /// Longest description, in characters.
    public static let maxDescriptionLength = 1000

    static func checkName(_ name: String) throws(OperationError) {
        if let problem = LookupLimits.problem(withName: name) { throw .invalid("name", problem) }
    }

    static func check(_ row: LookupRow) throws(OperationError) {
        if let problem = LookupLimits.problem(withValue: row.left, column: "left") { throw .invalid("left", problem) }
        if let problem = LookupLimits.problem(withValue: row.right, column: "right") { throw .invalid("right", problem) }
    }

    /// Checks a whole table: name, description, default, every row, unique left values, row count.
    static func check(_ table: LookupTable) throws(OperationError) {
        try checkName(table.name)
        if table.description.count > maxDescriptionLength {
            throw .invalid("description", "the description is longer than \(maxDescriptionLength) characters")
        }
        if let value = table.defaultValue, let problem = LookupLimits.problem(withValue: value, column: "default") {
            throw .invalid("default", problem)
        }
        guard table.rows.count <= LookupLimits.maxRows else {
            throw .invalid("rows", "\(table.rows.count) rows; a table holds at most \(LookupLimits.maxRows)")
        }
        var seen: Set<String> = []
        for (index, row) in table.rows.enumerated() {
            do { try check(row) } catch { throw .invalid("rows[\(index)].\(error.field ?? "left")", "row \(index): \(error.message)") }
            guard seen.insert(row.left).inserted else {
                throw .invalid("rows[\(index)].left", "row \(index): left value '\(row.left)' is given twice (left values are unique)")
            }
        }
    }
}
