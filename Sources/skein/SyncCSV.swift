import Foundation
import SkeinCore
import SkeinJSON
import SkeinOperations

/// `skein sync list --csv` / `--json`: writes the report with the columns shared with the web UI
/// (`SyncReportColumns`), so a download holds exactly what the list shows.
enum SyncCSV {
    static func json(_ entry: SyncEntry) -> JSON { SyncReportColumns.json(entry) }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var total = 0
        func add(_ n: Int) { lock.withLock { total += n } }
        var value: Int { lock.withLock { total } }
    }

    /// Writes every entry matching `query` (all pages) to `path`, one page in memory at a time.
    static func write(_ sync: SyncOperations, _ caller: Identity, _ inputs: Inputs, to path: String) async throws -> Int {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardOutput
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CLIError("cannot create \(path)") }
            guard let opened = FileHandle(forWritingAtPath: path) else { throw CLIError("cannot write \(path)") }
            handle = opened
        }
        defer { if path != "-" { try? handle.close() } }
        try handle.write(contentsOf: Data(SyncReportColumns.headerLine.utf8))
        let count = Counter()
        // One read of one snapshot, 1,000 rows at a time: linear in the rows whatever the sort.
        try await sync.stream(caller, inputs, batchSize: 1000) { entries in
            try handle.write(contentsOf: Data(SyncReportColumns.lines(entries).utf8))
            count.add(entries.count)
        }
        return count.value
    }
}
