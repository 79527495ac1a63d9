import Foundation
import Testing
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
}
