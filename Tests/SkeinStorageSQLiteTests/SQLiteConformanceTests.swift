import Foundation
import SkeinStorage
import SkeinStorageConformance
import SkeinStorageSQLite
import Testing

/// The storage conformance suite on SQLite: each check on a fresh database file; opening the
/// store again opens the same file, as another process would.
@Suite struct SQLiteConformanceTests {
    @Test(arguments: StorageConformance.checks)
    func conforms(_ check: ConformanceCheck) async throws {
        try await withStore { _, path in
            try await check.run { try SQLiteStore(path: path) }
        }
    }
}
