public import SkeinCore

/// Reads stored instances (credentials still sealed).
public protocol InstanceReader: Sendable {
    func storedInstance(named name: String) async throws -> StoredInstance?
    /// Every instance, by name.
    func storedInstances() async throws -> [StoredInstance]
}

/// Instances: one set of a connector's settings and sealed credentials each.
public protocol InstanceStore: InstanceReader {
    /// Adds the instance, or replaces the one with its name.
    func saveInstance(_ instance: StoredInstance) async throws
    func deleteInstance(named name: String) async throws -> Bool
    /// Rewrites every instance with what `reseal` returns for it (new sealed credentials and
    /// key id), in one transaction: if `reseal` throws for any instance, none is changed.
    /// Returns how many instances were rewritten. Used to rotate the credential key.
    func resealInstances(_ reseal: @escaping @Sendable (StoredInstance) throws -> StoredInstance) async throws -> Int
}
