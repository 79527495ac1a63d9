import SkeinStorageConformance
import SkeinStorageMemory
import Testing

/// The storage conformance suite on the in-memory store: each check on a new store; opening
/// it again hands out the same store, as a second process on one database would see it.
@Suite struct MemoryConformanceTests {
    @Test(arguments: StorageConformance.checks)
    func conforms(_ check: ConformanceCheck) async throws {
        let store = MemoryStore()
        try await check.run { store }
    }
}
