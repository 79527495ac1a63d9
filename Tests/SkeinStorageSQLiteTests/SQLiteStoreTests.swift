import Foundation
import Testing
import SkeinCore
import SkeinStorageSQLite

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
}
