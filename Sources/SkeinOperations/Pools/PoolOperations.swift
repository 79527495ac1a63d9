import Foundation
public import SkeinCore
import SkeinStorage

/// De-dupe data pools as a whole: list them, export or import their keys as CSV, delete one.
public struct PoolOperations: Sendable {
    let store: any DataPoolAdmin
    let audit: AuditTrail
    let now: @Sendable () -> Date

    public func list(_ caller: Identity?) async throws -> [DataPoolSummary] {
        try Permission.read.require(caller)
        return try await store.dataPools()
    }

    /// The CSV header of exports, and what imports read: `key,first_seen_at,expires_at`.
    public static let csvHeader = "key,first_seen_at,expires_at\r\n"

    /// The keys of `pool` as CSV lines (oldest first), `batchSize` keys at a time.
    public func exportCSV(_ caller: Identity?, pool: String, batchSize: Int = 1000, _ body: @escaping @Sendable (String, Int) throws -> Void) async throws {
        try Permission.read.require(caller)
        try await store.streamPoolKeys(pool: pool, batchSize: batchSize) { keys in
            var text = ""
            for key in keys {
                text +=
                    [key.key, UTCDate.format(key.firstSeenAt), key.expiresAt.map(UTCDate.format) ?? ""]
                    .map(SyncReportColumns.field).joined(separator: ",") + "\r\n"
            }
            try body(text, keys.count)
        }
    }

    /// Reads CSV (a header with a `key` column, optionally `first_seen_at` and `expires_at`) and
    /// adds the keys to `pool` in one transaction; keys already there are kept as they are.
    /// Keys without `expires_at` expire after `retention` (nil: never). `file` names the input in errors.
    /// Returns how many keys were new and how many the file held (builder).
    public func importCSV(_ caller: Identity?, pool: String, text: String, file: String, retention: Duration?) async throws -> (added: Int, total: Int) {
        let caller = try Permission.build.require(caller)
        let keys = try Self.keys(csv: text, file: file, retention: retention, now: now())
        let added = try await store.importPoolKeys(pool: pool, keys: keys, now: now())
        try await audit.record(caller, "pool.import", target: "pool:\(pool)", details: ["keys": .number(Double(keys.count)), "added": .number(Double(added))])
        return (added, keys.count)
    }

    /// Forgets every key of `pool` (builder): de-dupe shapes will pass those items again.
    public func delete(_ caller: Identity?, pool: String) async throws -> Int {
        let caller = try Permission.build.require(caller)
        let deleted = try await store.deletePool(pool)
        try await audit.record(caller, "pool.delete", target: "pool:\(pool)", details: ["keys": .number(Double(deleted))])
        return deleted
    }

    static func keys(csv text: String, file: String, retention: Duration?, now: Date) throws(OperationError) -> [PoolKey] {
        let records: [[String]]
        do { records = try CSVReader.records(text) } catch { throw .invalid("file", "\(file): \(error)") }
        guard let header = records.first else { throw .invalid("file", "\(file) is empty; the first line must be a header with a 'key' column") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let keyColumn = names.firstIndex(of: "key") else {
            throw .invalid("file", "\(file) line 1: the header has no 'key' column (found: \(header.joined(separator: ",")))")
        }
        let seenColumn = names.firstIndex(of: "first_seen_at")
        let expiresColumn = names.firstIndex(of: "expires_at")
        let defaultExpiry = retention.map { now.addingTimeInterval(Double($0.components.seconds)) }
        var keys: [PoolKey] = []
        for (offset, record) in records.dropFirst().enumerated() {
            let line = offset + 2
            guard record.count == header.count else {
                throw .invalid("file", "\(file) line \(line): \(record.count) field\(record.count == 1 ? "" : "s"), the header has \(header.count)")
            }
            let key = record[keyColumn]
            guard !key.isEmpty else { throw .invalid("file", "\(file) line \(line): the key is empty") }
            func date(_ column: Int?, _ name: String) throws(OperationError) -> Date? {
                guard let column, !record[column].isEmpty else { return nil }
                let text = record[column]
                let zoned = text.hasSuffix("Z") || text.contains("+") ? text : text + "Z"
                guard let date = UTCDate.parse(zoned) else {
                    throw .invalid("file", "\(file) line \(line): \(name) '\(text)' is not a UTC ISO 8601 time such as 2026-05-01T12:00:00Z")
                }
                return date
            }
            let seen = try date(seenColumn, "first_seen_at")
            let expires = try date(expiresColumn, "expires_at")
            keys.append(PoolKey(key: key, firstSeenAt: seen ?? now, expiresAt: expiresColumn == nil ? defaultExpiry : expires))
        }
        return keys
    }
}
