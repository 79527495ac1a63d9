import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

enum InstanceChecks {
    static func instance(_ name: String) -> StoredInstance {
        StoredInstance(
            name: name, connectorType: "http", address: "http://127.0.0.1:9", timeZone: "UTC", rateLimit: nil,
            timeoutMilliseconds: 3000, variables: [:], settings: [:], sealedCredentials: [1, 2, 3], keyID: "old", updatedAt: t0)
    }

    struct Refused: Error {}

    static let all: [ConformanceCheck] = [
        ConformanceCheck("saves, replaces, lists and deletes instances") { open in
            let store = try await open()
            var erp = StoredInstance(
                name: "erp", connectorType: "http", address: "https://erp.example.com/api", timeZone: "Europe/Berlin",
                rateLimit: "5/s", timeoutMilliseconds: 20_000, variables: ["tenant": "t1", "region": "eu"],
                settings: ["auth": "basic", "retries": 3], sealedCredentials: Array(0...255), keyID: "k1", updatedAt: t0)
            try await store.saveInstance(erp)
            try await store.saveInstance(instance("a-shop"))
            try expectEqual(try await store.storedInstance(named: "erp"), erp)
            erp.address = "https://erp2.example.com"
            erp.rateLimit = nil
            try await store.saveInstance(erp)
            try expectEqual(try await store.storedInstance(named: "erp"), erp, "saving again replaces")
            try expectEqual(try await store.storedInstances().map(\.name), ["a-shop", "erp"])
            try expect(try await store.deleteInstance(named: "erp"))
            try expect(try await store.deleteInstance(named: "erp") == false)
            try expect(try await store.storedInstance(named: "erp") == nil)
        },
        ConformanceCheck("reseal rewrites every instance") { open in
            let store = try await open()
            for name in ["a", "b", "c"] { try await store.saveInstance(instance(name)) }
            let count = try await store.resealInstances { stored in
                var updated = stored
                updated.sealedCredentials = Array(stored.name.utf8)
                updated.keyID = "new"
                return updated
            }
            try expectEqual(count, 3)
            let stored = try await store.storedInstances()
            try expectEqual(stored.map(\.keyID), ["new", "new", "new"])
            try expectEqual(stored.map(\.sealedCredentials), [[97], [98], [99]])
        },
        ConformanceCheck("a reseal failure for one instance leaves all unchanged") { open in
            let store = try await open()
            for name in ["a", "b", "c"] { try await store.saveInstance(instance(name)) }
            try await expectThrows(Refused.self) {
                _ = try await store.resealInstances { stored in
                    guard stored.name != "c" else { throw Refused() }
                    var updated = stored
                    updated.keyID = "new"
                    return updated
                }
            }
            try expectEqual(try await store.storedInstances().map(\.keyID), ["old", "old", "old"], "a and b were rewritten before c failed, and rolled back")
        },
        ConformanceCheck("reports the store reachable") { open in
            try await open().checkReachable()
        },
        ConformanceCheck("an opened store's schema has every migration this build knows, and none it does not") { open in
            let store = try await open()
            try await store.checkReachable()
            try expectEqual(try await store.schemaState(), SchemaState(pending: [], unknown: []))
            try expectEqual(SchemaState(known: ["1", "2", "3"], applied: ["1", "9"]), SchemaState(pending: ["2", "3"], unknown: ["9"]))
        },
    ]
}
