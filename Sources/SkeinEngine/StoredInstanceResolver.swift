public import Foundation
public import SkeinCore
public import SkeinStorage

/// Finds instances in the store and decrypts their credentials for the step that uses them.
public struct StoredInstanceResolver: InstanceResolver {
    let store: any InstanceReader
    let cipher: CredentialCipher

    public init(store: any InstanceReader, cipher: CredentialCipher) {
        self.store = store
        self.cipher = cipher
    }

    public func instance(named name: String) async throws -> Instance {
        guard let stored = try await store.storedInstance(named: name) else {
            throw ShapeFailure("no instance named '\(name)'; add it with `skein instance add`")
        }
        let credentials: [String: String]
        do { credentials = try cipher.open(stored.sealedCredentials, instance: name) } catch {
            throw ShapeFailure("\(error)")
        }
        return Instance(
            name: stored.name, connectorType: stored.connectorType, address: stored.address, timeZone: stored.timeZone,
            rateLimit: stored.rateLimit.flatMap(RateLimit.init), timeout: .milliseconds(stored.timeoutMilliseconds),
            variables: stored.variables, settings: stored.settings, credentials: credentials)
    }

    /// Encrypts an instance's credentials for storage.
    public func seal(_ instance: Instance, now: Date) throws -> StoredInstance {
        StoredInstance(
            name: instance.name, connectorType: instance.connectorType, address: instance.address, timeZone: instance.timeZone,
            rateLimit: instance.rateLimit?.description,
            timeoutMilliseconds: Int(instance.timeout.wholeMilliseconds),
            variables: instance.variables, settings: instance.settings, sealedCredentials: try cipher.seal(instance.credentials),
            keyID: cipher.keyID, updatedAt: now)
    }
}
