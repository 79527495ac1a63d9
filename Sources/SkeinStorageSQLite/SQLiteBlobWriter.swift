import GRDB
import GRDBSQLite
import SkeinStorage

/// Writes a large blob into a row already inserted with `zeroblob(n)`, a megabyte at a time,
/// through SQLite's incremental blob I/O.
///
/// Binding a 55 MB compressed payload as a parameter made two more whole copies of it (a `Data`
/// for GRDB, then SQLite's own transient copy), which put storing a 100 MB payload at 3.0× its
/// size in memory (docs/benchmarks.md, scenario 4); written in place, the blob costs nothing
/// beyond the bytes the caller already holds.
enum SQLiteBlobWriter {
    /// Blobs at least this large are streamed; smaller ones are bound as usual.
    static let threshold = 1 << 20

    static func write(_ db: Database, table: String, column: String, rowID: Int64, bytes: [UInt8]) throws {
        var handle: OpaquePointer?
        var code = sqlite3_blob_open(db.sqliteConnection, "main", table, column, rowID, 1, &handle)
        guard code == SQLITE_OK, let blob = handle else {
            throw StorageError(.unavailable, "SQLite could not open the \(table).\(column) blob of row \(rowID): \(message(db, code))")
        }
        defer { sqlite3_blob_close(blob) }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = min(threshold, buffer.count - offset)
                code = sqlite3_blob_write(blob, buffer.baseAddress! + offset, Int32(count), Int32(offset))
                guard code == SQLITE_OK else {
                    throw StorageError(.unavailable, "SQLite could not write the \(table).\(column) blob of row \(rowID): \(message(db, code))")
                }
                offset += count
            }
        }
    }

    private static func message(_ db: Database, _ code: Int32) -> String {
        db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "result code \(code)"
    }
}
