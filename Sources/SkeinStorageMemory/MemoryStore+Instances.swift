import Foundation
import SkeinCore
import SkeinStorage

extension MemoryStore: InstanceStore {
    public func saveInstance(_ instance: StoredInstance) async throws {
        var stored = instance
        stored.updatedAt = storedTime(instance.updatedAt)
        try transaction { state in state.instances[instance.name] = stored }
    }

    public func storedInstance(named name: String) async throws -> StoredInstance? {
        try transaction { state in state.instances[name] }
    }

    public func storedInstances() async throws -> [StoredInstance] {
        try transaction { state in state.instances.values.sorted { byteOrder($0.name, $1.name) } }
    }

    public func deleteInstance(named name: String) async throws -> Bool {
        try transaction { state in state.instances.removeValue(forKey: name) != nil }
    }

    /// `reseal` runs under the store's lock (it must not call the store); every instance is
    /// resealed before any is written, so one refusal changes none.
    public func resealInstances(_ reseal: @escaping @Sendable (StoredInstance) throws -> StoredInstance) async throws -> Int {
        try transaction { state in
            let resealed = try state.instances.values.sorted { byteOrder($0.name, $1.name) }.map(reseal)
            for instance in resealed {
                var stored = instance
                stored.updatedAt = storedTime(instance.updatedAt)
                state.instances[instance.name] = stored
            }
            return resealed.count
        }
    }
}
