import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// The sync report's columns, shared by `skein sync list --json` and `--csv`, so a download
/// holds exactly what the list shows, with the additional fields (source and endpoint ids,
/// the latest sync information).
enum SyncCSV {
    static let columns = ["sync_id", "status", "system", "reference", "source_id", "endpoint_id", "flow", "flow_version", "run", "step",
                          "attempts", "first_attempt", "latest_attempt", "next_retry", "latest_sync_information"]

    static func json(_ entry: SyncEntry) -> JSON {
        ["sync_id": .number(Double(entry.id)), "status": .string(entry.status.rawValue), "system": .string(entry.system),
         "reference": .string(entry.reference), "source_id": .string(entry.sourceID), "endpoint_id": .string(entry.endpointID),
         "flow": .string(entry.flowID), "flow_version": .number(Double(entry.flowVersion)), "run": .number(Double(entry.runID)),
         "step": .string(entry.shapeID), "attempts": .number(Double(entry.attempts)),
         "first_attempt": .string(RunsCommand.iso(entry.firstAttemptAt)), "latest_attempt": .string(RunsCommand.iso(entry.latestAttemptAt)),
         "next_retry": entry.nextRetryAt.map { .string(RunsCommand.iso($0)) } ?? .null,
         "latest_sync_information": .string(entry.latestResponse)]
    }

    static func row(_ entry: SyncEntry) -> [String] {
        [String(entry.id), entry.status.rawValue, entry.system, entry.reference, entry.sourceID, entry.endpointID, entry.flowID,
         String(entry.flowVersion), String(entry.runID), entry.shapeID, String(entry.attempts), RunsCommand.iso(entry.firstAttemptAt),
         RunsCommand.iso(entry.latestAttemptAt), entry.nextRetryAt.map(RunsCommand.iso) ?? "", entry.latestResponse]
    }

    /// RFC 4180: quoted when it holds a comma, quote or line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var total = 0
        func add(_ n: Int) { lock.withLock { total += n } }
        var value: Int { lock.withLock { total } }
    }

    /// Writes every entry matching `query` (all pages) to `path`, one page in memory at a time.
    static func write(store: any SkeinStore, query: SyncQuery, to path: String) async throws -> Int {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardOutput
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CLIError("cannot create \(path)") }
            guard let opened = FileHandle(forWritingAtPath: path) else { throw CLIError("cannot write \(path)") }
            handle = opened
        }
        defer { if path != "-" { try? handle.close() } }
        try handle.write(contentsOf: Data((columns.joined(separator: ",") + "\r\n").utf8))
        let count = Counter()
        // One read of one snapshot, 1,000 rows at a time: linear in the rows whatever the sort.
        try await store.streamSyncEntries(query, batchSize: 1000) { entries in
            var text = ""
            for entry in entries { text += row(entry).map(field).joined(separator: ",") + "\r\n" }
            try handle.write(contentsOf: Data(text.utf8))
            count.add(entries.count)
        }
        return count.value
    }
}
