import Foundation
import GRDB
import SkeinCore
import SkeinStorage
import SkeinStorageSQLite
import Testing

/// A fresh database file in a temporary directory, removed afterwards.
func withStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("skein.sqlite").path
    try await body(try SQLiteStore(path: path), path)
}

/// What only the SQLite backend promises; everything every backend does is in the storage
/// conformance suite (Sources/SkeinStorageConformance, run by SQLiteConformanceTests).
@Suite struct SQLiteStoreTests {
    /// What `GET /health/ready` reads: migrations the database lacks, and ones only a newer Skein knows.
    @Test func schemaStateComparesTheRecordedMigrationsWithThisBuild() async throws {
        try await withStore { store, path in
            #expect(try await store.schemaState() == SchemaState(pending: [], unknown: []))
            let other = try DatabaseQueue(path: path)
            let names = try await other.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
            try await other.write { db in
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [names.last!])
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_a_newer_skein')")
            }
            #expect(try await store.schemaState() == SchemaState(pending: [names.last!], unknown: ["9999_from_a_newer_skein"]))
        }
    }

    @Test func usesWALAndDurableCommits() async throws {
        try await withStore { _, path in
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            check.arguments = [path, "PRAGMA journal_mode;"]
            let pipe = Pipe()
            check.standardOutput = pipe
            try check.run()
            check.waitUntilExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "wal")
        }
    }

    /// Decoded flows are cached per process by id and version; two stores holding different
    /// texts under the same id and version (two data directories in one process) must each
    /// read back their own flow.
    @Test func eachStoreReadsItsOwnFlowTextThroughTheDecodedFlowCache() async throws {
        let first = "id: orders\nshapes:\n  - id: each\n    split: { path: orders }\n"
        let second = "id: orders\nshapes:\n  - id: keep\n    filter: { where: [ { field: paid, equals: true } ] }\n"
        try await withStore { one, _ in
            try await withStore { two, _ in
                _ = try await one.deploy(try FlowFile.decode(first), source: first, now: Date())
                _ = try await two.deploy(try FlowFile.decode(second), source: second, now: Date())
                for _ in 0..<2 {
                    #expect(try await one.flow(id: "orders", version: 1)?.definition.shapes.map(\.id) == ["each"])
                    #expect(try await two.flow(id: "orders", version: 1)?.definition.shapes.map(\.id) == ["keep"])
                }
            }
        }
    }

    /// Payloads stored larger than a megabyte are written into their row in place (incremental
    /// blob I/O) rather than bound as a parameter; they must read back byte for byte, next to
    /// small ones in the same run, and replace an earlier try of the same step.
    @Test func largePayloadsAreWrittenInPlaceAndReadBackExactly() async throws {
        try await withStore { store, _ in
            var generator = SystemRandomNumberGenerator()
            let noise = (0..<3_000_000).map { _ in UInt8.random(in: 0...255, using: &generator) }  // stays 3 MB: stored as is
            var text: [UInt8] = []
            while text.count < 8_000_000 { text += Array("\(text.count);\(String(generator.next(), radix: 16))\n".utf8) }  // deflates to > 1 MB
            let small = Payload(json: ["order": 1042])
            let flow = "id: big\nshapes:\n  - id: keep\n    filter: { where: [ { field: ok, exists: true } ] }\n"
            _ = try await store.deploy(try FlowFile.decode(flow), source: flow, now: Date())
            let input = [Payload(bytes: noise, contentType: "application/octet-stream"), small, Payload(bytes: text, contentType: "text/csv")]
            let run = try await store.enqueue(NewRun(flowID: "big", flowVersion: 1, trigger: .manual, input: input), now: Date())
            for (index, payload) in input.enumerated() {
                let stored = try await store.payload(of: .input(of: run.id), index: index)
                #expect(stored?.bytes() == payload.bytes() && stored?.contentType == payload.contentType)
            }
            let infos = try await store.payloadInfos(of: .input(of: run.id))
            #expect(infos.map(\.size) == [3_000_000, small.bytes().count, text.count])
        }
    }
}
