import Foundation
import SkeinCore
import SkeinStorage
import SkeinStorageSQLite
import Testing

/// The database holds payloads, sessions and sealed credentials: its files are its owner's
/// alone, even when the process umask would let others read them (issue 17: created 0644).
@Suite struct SQLiteFileModeTests {
    @Test func theDatabaseAndItsWALAndSharedMemoryFilesAre0600() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-modes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("skein.sqlite").path
        let previous = umask(0o022)  // the usual shell umask, which made the files 0644
        defer { umask(previous) }
        let store = try SQLiteStore(path: path)
        _ = try await store.deploy(try FlowFile.decode("id: f\nshapes:\n  - id: a\n    split: { path: x }\n"), source: "x", now: Date())
        for suffix in ["", "-wal", "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path + suffix)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode == 0o600, "skein.sqlite\(suffix) is \(String(mode, radix: 8))")
        }
    }
}
