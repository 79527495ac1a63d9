import Foundation
import SkeinJSON
import SkeinStorage
import SkeinStorageSQLite
import Testing

@Suite struct InstanceResealTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func instance(_ name: String) -> StoredInstance {
        StoredInstance(name: name, connectorType: "http", address: "http://127.0.0.1:9", timeZone: "UTC", rateLimit: nil,
                       timeoutMilliseconds: 3000, variables: [:], settings: [:], sealedCredentials: [1, 2, 3], keyID: "old", updatedAt: t0)
    }

    struct Refused: Error {}

    @Test func resealRewritesEveryInstance() async throws {
        try await withStore { store, _ in
            for name in ["a", "b", "c"] { try await store.saveInstance(instance(name)) }
            let count = try await store.resealInstances { stored in
                var updated = stored
                updated.sealedCredentials = Array(stored.name.utf8)
                updated.keyID = "new"
                return updated
            }
            #expect(count == 3)
            let stored = try await store.storedInstances()
            #expect(stored.map(\.keyID) == ["new", "new", "new"])
            #expect(stored.map(\.sealedCredentials) == [[97], [98], [99]])
        }
    }

    @Test func aFailureForOneInstanceLeavesAllUnchanged() async throws {
        try await withStore { store, _ in
            for name in ["a", "b", "c"] { try await store.saveInstance(instance(name)) }
            await #expect(throws: Refused.self) {
                try await store.resealInstances { stored in
                    guard stored.name != "c" else { throw Refused() }
                    var updated = stored
                    updated.keyID = "new"
                    return updated
                }
            }
            #expect(try await store.storedInstances().map(\.keyID) == ["old", "old", "old"], "a and b were rewritten before c failed, and rolled back")
        }
    }
}
